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

  public static final Key<Boolean> CONTAINER =
      new Key<>(
          "auth.container",
          "true",
          Parser.bool(),
          "In a WAR: a user the servlet container authenticated for the WebSocket handshake"
              + " (HandshakeRequest.getUserPrincipal) becomes the connection's identity, with the"
              + " permissions of its roles (auth.role.<role>). A token in an Authorization header"
              + " wins over it.");

  /** Prefix of the role keys: {@code auth.role.<role>}. */
  public static final String ROLE_PREFIX = "auth.role.";

  /** What the documentation says of the role keys, which have no default and no fixed names. */
  static final String ROLES_INTRO =
      "auth.role.<role> = comma-separated capability:pattern grants, e.g."
          + " auth.role.clerk=subscribe:orders:*,publish:chat:*: what a user the container"
          + " authenticated may do when it is in that role (the union over its roles)."
          + " Capabilities: subscribe, publish, presence, history; a pattern is a channel or a"
          + " prefix followed by *. With no auth.role.* key, a container's user may do everything."
          + " Role names: letters, digits, _ . and -; through the environment"
          + " (SWITCHBOARD_AUTH_ROLE_CLERK) the name is read in lower case with _ for - and .";

  private AuthKeys() {}
}
