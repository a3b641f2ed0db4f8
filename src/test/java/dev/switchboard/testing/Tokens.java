package dev.switchboard.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.auth.TokenVerifier;
import dev.switchboard.hub.ConnectionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Makes tokens for tests: HS256 with a secret, RS256 and ES256 with generated key pairs. */
public final class Tokens {
  public static final String SECRET = "test-secret-of-at-least-32-bytes!!";
  public final KeyPair rsa;
  public final KeyPair ec;

  public Tokens() {
    try {
      KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
      r.initialize(2048);
      rsa = r.generateKeyPair();
      KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
      e.initialize(new ECGenParameterSpec("secp256r1"));
      ec = e.generateKeyPair();
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * A policy that verifies HS256 tokens signed with {@link #SECRET} on {@code clock}: tokens {@code
   * required} or not, 5 s to present one, no rate limits, a ping after 25 s of silence, a close 10
   * s after it unanswered, a 30 s send timeout.
   */
  public static ConnectionPolicy policy(boolean required, ManualClock clock) throws Exception {
    return new ConnectionPolicy(
        required,
        TokenVerifier.create(SECRET, null, "", "", clock),
        Duration.ofSeconds(5),
        0,
        0,
        Duration.ofSeconds(25),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30));
  }

  /** Claims for {@code user} expiring at {@code exp} with channel grants. */
  public static JWTClaimsSet claims(String user, Instant exp, Map<String, List<String>> channels) {
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder().subject(user).expirationTime(Date.from(exp));
    if (channels != null) {
      b.claim("channels", channels);
    }
    return b.build();
  }

  public static String hs256(JWTClaimsSet claims) {
    return hs256(claims, SECRET);
  }

  public static String hs256(JWTClaimsSet claims, String secret) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String rs256(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
      jwt.sign(new RSASSASigner(rsa.getPrivate()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String es256(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
      jwt.sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code "alg":"none"}) with these claims. */
  public static String unsigned(JWTClaimsSet claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\"}".getBytes())
        + "."
        + b64.encodeToString(claims.toString().getBytes())
        + ".";
  }

  /**
   * An HS256 token whose HMAC key is the RSA public key's encoding: the classic algorithm confusion
   * attack on verifiers that take the key from the token's header.
   */
  public String confused(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(pem(rsa).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes both public keys as PEM to a file. */
  public Path writePublicKeys(Path dir) throws IOException {
    Path f = dir.resolve("keys.pem");
    Files.writeString(f, pem(rsa) + pem(ec));
    return f;
  }

  private static String pem(KeyPair k) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
