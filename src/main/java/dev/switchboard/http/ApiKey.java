package dev.switchboard.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP API key: a name, the SHA-256 digest of the key (the key itself is never stored) and its
 * scopes. Comparison hashes the candidate and compares digests in constant time, so neither the
 * key's length nor its prefix leaks through timing.
 *
 * @param name a label for logs and metrics
 * @param sha256 digest of the key
 * @param scopes what the key may do
 */
public record ApiKey(String name, byte[] sha256, Set<Scope> scopes) {

  /** What an API key may do. */
  public enum Scope {
    PUBLISH,
    HISTORY,
    PRESENCE,
    /** The Prometheus scrape at {@code /metrics}. */
    METRICS,
    /** Everything, and the statistics. */
    ADMIN
  }

  /**
   * Parses {@code api.keys}: comma-separated {@code name:sha256:<64 hex>:scope+scope}.
   *
   * @throws IllegalArgumentException naming the entry that is malformed
   */
  public static List<ApiKey> parseList(String configured) {
    List<ApiKey> keys = new ArrayList<>();
    for (String raw : configured.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split(":");
      if (parts.length != 4
          || !parts[1].equals("sha256")
          || !parts[2].matches("[0-9a-fA-F]{64}")
          || parts[0].isBlank()) {
        throw new IllegalArgumentException(
            "'" + abbreviate(entry) + "' is not name:sha256:<64 hex digits>:scopes");
      }
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String s : parts[3].split("\\+")) {
        try {
          scopes.add(Scope.valueOf(s.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "unknown scope '" + s + "' (publish, history, presence, metrics, admin)");
        }
      }
      keys.add(new ApiKey(parts[0], HexFormat.of().parseHex(parts[2]), Set.copyOf(scopes)));
    }
    return List.copyOf(keys);
  }

  /** Whether {@code candidate} is this key. */
  public boolean matches(@Nullable String candidate) {
    return candidate != null && MessageDigest.isEqual(sha256, digest(candidate));
  }

  /** Whether the key may do {@code scope} (admin may do everything). */
  public boolean allows(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }

  /** The configuration form of a key: {@code name:sha256:<hex>:scopes}. */
  public static String forConfig(String name, String key, Scope... scopes) {
    StringBuilder b =
        new StringBuilder(name)
            .append(":sha256:")
            .append(HexFormat.of().formatHex(digest(key)))
            .append(':');
    for (int i = 0; i < scopes.length; i++) {
      b.append(i == 0 ? "" : "+").append(scopes[i].name().toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 24 ? s.substring(0, 24) + "..." : s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKey k
        && name.equals(k.name)
        && MessageDigest.isEqual(sha256, k.sha256)
        && scopes.equals(k.scopes);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "ApiKey[" + name + " " + scopes + "]";
  }
}
