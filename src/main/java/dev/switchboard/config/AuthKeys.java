package dev.switchboard.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** Keys of token authentication. */
public final class AuthKeys {
  /** HS256 needs a 256-bit key. */
  private static final int MIN_SECRET_BYTES = 32;

  public static final Key<Boolean> REQUIRED =
      new Key<>(
          "auth.required",
          "false",
          Parser.bool(),
          "Whether every connection must present a valid token (connect command or Authorization"
              + " header) before anything else. false keeps the demo open; tokens are still"
              + " checked when presented.");

  public static final Key<String> HMAC_SECRET =
      new Key<>(
          "auth.hmac-secret",
          "",
          Parser.matching(
              "at least 32 bytes (HS256 needs a 256-bit key)",
              s -> s.isEmpty() || s.getBytes(StandardCharsets.UTF_8).length >= MIN_SECRET_BYTES),
          "Secret for HS256 tokens (at least 32 bytes). Prefer SWITCHBOARD_AUTH_HMAC_SECRET to a"
              + " file.");

  public static final Key<Optional<Path>> KEYS_FILE =
      new Key<>(
          "auth.keys-file",
          "",
          Parser.optionalFile(),
          "File with public keys for RS256/ES256 tokens: a PEM public key (or several) or a JWKS"
              + " document.");

  public static final Key<String> ISSUER =
      new Key<>(
          "auth.issuer", "", Parser.string(), "When set, tokens must carry this issuer (iss).");

  public static final Key<String> AUDIENCE =
      new Key<>(
          "auth.audience", "", Parser.string(), "When set, tokens must name this audience (aud).");

  private AuthKeys() {}
}
