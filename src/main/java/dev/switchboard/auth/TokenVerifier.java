package dev.switchboard.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Verifies connection tokens: signed JWTs with {@code HS256} (shared secret), {@code RS256} or
 * {@code ES256} (public keys from a PEM or JWKS file). Thread-safe.
 *
 * <p>The algorithm a token announces must be one the configured keys are for: an HS256 token is
 * only checked against the secret and an RS256 token only against RSA keys, so a public key can
 * never be abused as an HMAC secret, and unsigned ({@code "alg":"none"}) tokens never verify.
 *
 * <p>Claims: {@code exp} (required), {@code sub} (the user id), {@code nbf}, {@code iss} and {@code
 * aud} (checked when configured), {@code info} (any JSON, shown in presence) and {@code channels}:
 * an object from channel pattern to capabilities, e.g. {@code {"chat:*":["subscribe", "publish"]}}.
 * A token without {@code channels} may do nothing on any channel.
 */
public final class TokenVerifier {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte @Nullable [] hmacSecret;
  private final List<JWK> publicKeys;
  private final String issuer;
  private final String audience;
  private final InstantSource clock;

  private TokenVerifier(
      byte @Nullable [] hmacSecret,
      List<JWK> publicKeys,
      String issuer,
      String audience,
      InstantSource clock) {
    this.hmacSecret = hmacSecret;
    this.publicKeys = List.copyOf(publicKeys);
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
  }

  /**
   * @param hmacSecret the HS256 secret, empty for none
   * @param keysFile a PEM file with one or more public keys, or a JWKS document; null for none
   * @param issuer the required {@code iss}, empty for any
   * @param audience the required {@code aud}, empty for any
   * @throws IOException when the keys file cannot be read or holds no usable key
   */
  public static TokenVerifier create(
      String hmacSecret,
      @Nullable Path keysFile,
      String issuer,
      String audience,
      InstantSource clock)
      throws IOException {
    List<JWK> keys = keysFile == null ? List.of() : loadKeys(keysFile);
    return new TokenVerifier(
        hmacSecret.isEmpty() ? null : hmacSecret.getBytes(StandardCharsets.UTF_8),
        keys,
        issuer,
        audience,
        clock);
  }

  /** Verifies {@code token} and returns who it names. */
  public Identity verify(@Nullable String token) throws TokenException {
    if (token == null || token.isBlank()) {
      throw new TokenException("no token", false);
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token.trim());
    } catch (ParseException e) {
      throw new TokenException("not a signed JWT", false);
    }
    if (!verifySignature(jwt)) {
      throw new TokenException("signature does not verify", false);
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new TokenException("claims are not a JSON object", false);
    }
    return identity(claims);
  }

  private boolean verifySignature(SignedJWT jwt) throws TokenException {
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    try {
      if (JWSAlgorithm.HS256.equals(alg)) {
        if (hmacSecret == null) {
          throw new TokenException("HS256 tokens are not accepted here", false);
        }
        return jwt.verify(new MACVerifier(hmacSecret));
      }
      if (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg)) {
        boolean rsa = JWSAlgorithm.RS256.equals(alg);
        boolean candidates = false;
        for (JWK key : publicKeys) {
          if (header.getKeyID() != null
              && key.getKeyID() != null
              && !header.getKeyID().equals(key.getKeyID())) {
            continue;
          }
          JWSVerifier verifier = null;
          if (rsa && key instanceof RSAKey r) {
            verifier = new RSASSAVerifier(r.toRSAPublicKey());
          } else if (!rsa && key instanceof ECKey ec) {
            verifier = new ECDSAVerifier(ec.toECPublicKey());
          }
          if (verifier != null) {
            candidates = true;
            if (jwt.verify(verifier)) {
              return true;
            }
          }
        }
        if (!candidates) {
          throw new TokenException(alg + " tokens are not accepted here (no matching key)", false);
        }
        return false;
      }
    } catch (JOSEException e) {
      throw new TokenException("signature check failed: " + e.getMessage(), false);
    }
    throw new TokenException("algorithm " + alg + " is not accepted", false);
  }

  private Identity identity(JWTClaimsSet claims) throws TokenException {
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new TokenException("the token has no exp claim", false);
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant())) {
      throw new TokenException("the token is not valid yet (nbf)", false);
    }
    if (!issuer.isEmpty() && !issuer.equals(claims.getIssuer())) {
      throw new TokenException("wrong issuer", false);
    }
    if (!audience.isEmpty()
        && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
      throw new TokenException("wrong audience", false);
    }
    if (now.isAfter(exp.toInstant())) {
      throw new TokenException("the token expired at " + exp.toInstant(), true);
    }
    return new Identity(
        claims.getSubject(),
        info(claims.getClaim("info")),
        permissions(claims.getClaim("channels")),
        exp.toInstant());
  }

  private static @Nullable String info(@Nullable Object info) throws TokenException {
    if (info == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(info);
    } catch (JsonProcessingException e) {
      throw new TokenException("info claim is not JSON", false);
    }
  }

  private static Permissions permissions(@Nullable Object claim) throws TokenException {
    if (claim == null) {
      return Permissions.NONE;
    }
    if (!(claim instanceof Map<?, ?> map)) {
      throw new TokenException(
          "channels claim must be an object of pattern to capabilities", false);
    }
    Map<String, Set<Capability>> grants = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof List<?> list)) {
        throw new TokenException("capabilities of " + e.getKey() + " must be a list", false);
      }
      Set<Capability> caps = EnumSet.noneOf(Capability.class);
      for (Object c : list) {
        try {
          caps.add(Capability.parse(String.valueOf(c)));
        } catch (IllegalArgumentException ex) {
          throw new TokenException("unknown capability '" + c + "'", false);
        }
      }
      grants.put(String.valueOf(e.getKey()), caps);
    }
    return new Permissions(grants);
  }

  /** Public keys from a JWKS document or PEM {@code PUBLIC KEY} blocks (RSA or EC). */
  static List<JWK> loadKeys(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    List<JWK> keys = new ArrayList<>();
    if (text.startsWith("{")) {
      try {
        for (JWK k : JWKSet.parse(text).getKeys()) {
          keys.add(k.toPublicJWK());
        }
      } catch (ParseException e) {
        throw new IOException("not a JWKS document: " + e.getMessage());
      }
    } else {
      Matcher m = PEM.matcher(text);
      while (m.find()) {
        keys.add(fromPem(Base64.getMimeDecoder().decode(m.group(1))));
      }
    }
    if (keys.isEmpty()) {
      throw new IOException("no public key found in " + file);
    }
    return keys;
  }

  private static JWK fromPem(byte[] der) throws IOException {
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        PublicKey key =
            KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        if (key instanceof RSAPublicKey rsa) {
          return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
          return new ECKey.Builder(
                  com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec)
              .build();
        }
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException("a PEM public key is neither RSA nor EC");
  }
}
