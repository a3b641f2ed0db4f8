package dev.switchboard.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An HTTP API key, held only as its SHA-256 digest. Comparison hashes the candidate and compares
 * digests in constant time, so neither the key's length nor its prefix leaks through timing.
 *
 * @param sha256 digest of the key
 */
public record ApiKey(byte[] sha256) {
  private static final String PREFIX = "sha256:";

  /**
   * Parses the configured value: empty for none, {@code sha256:<64 hex digits>} for a digest, or
   * the key itself.
   *
   * @throws IllegalArgumentException for a malformed digest
   */
  public static Optional<ApiKey> parse(String configured) {
    if (configured.isEmpty()) {
      return Optional.empty();
    }
    if (configured.startsWith(PREFIX)) {
      String hex = configured.substring(PREFIX.length());
      if (!hex.matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException("a sha256 digest is 64 hex digits");
      }
      return Optional.of(new ApiKey(HexFormat.of().parseHex(hex)));
    }
    return Optional.of(new ApiKey(digest(configured)));
  }

  /** Whether {@code candidate} is this key. */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(sha256, digest(candidate));
  }

  /** The configuration form of a key: {@code sha256:<hex>}. */
  public static String hashForConfig(String key) {
    return PREFIX + HexFormat.of().formatHex(digest(key));
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKey k && MessageDigest.isEqual(sha256, k.sha256);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return "ApiKey[sha256]";
  }
}
