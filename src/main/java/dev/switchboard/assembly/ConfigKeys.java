package dev.switchboard.assembly;

import dev.switchboard.config.DefaultsFile;
import dev.switchboard.config.Key;
import dev.switchboard.config.KeyTable;
import dev.switchboard.config.Keys;
import dev.switchboard.config.Parser;
import dev.switchboard.engine.redis.RedisOptions;
import dev.switchboard.http.ApiKey;
import dev.switchboard.server.OriginPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The keys whose values are other areas' types, parsed by those areas, and {@link #TABLE}, every
 * configuration key, from which the documented defaults file is produced. Run {@link #main} to
 * write that file after changing a key.
 */
public final class ConfigKeys {
  /** {@code origins.allowed}: the origin patterns, each one checked by {@link OriginPolicy}. */
  static final Key<List<String>> ORIGINS =
      new Key<>(
          "origins.allowed",
          "",
          Parser.of(
              "comma-separated origins like https://app.example.com, http://localhost:*,"
                  + " https://*.example.com or *",
              ConfigKeys::origins),
          "Browser origins allowed to open a WebSocket, comma-separated: https://app.example.com,"
              + " http://localhost:*, https://*.example.com, or * for any. Empty: the server's own"
              + " origin and localhost/127.0.0.1/[::1] on any port. Clients that send no Origin"
              + " header are always allowed.");

  /** {@code api.keys}: the HTTP API's keys. */
  static final Key<List<ApiKey>> API_KEYS =
      new Key<>(
          "api.keys",
          "",
          Parser.of("comma-separated name:sha256:<64 hex digits>:scope+scope", ApiKey::parseList),
          "API keys, comma-separated, each name:sha256:<hex digest of the key>:scope+scope with"
              + " scopes publish, history, presence, metrics (the /metrics scrape), admin (admin"
              + " covers all and /api/stats), sent"
              + " as Authorization: Bearer <key>. Empty: only direct loopback callers may use the"
              + " API; a request that came through a proxy (Forwarded, Via, X-Forwarded-*,"
              + " X-Real-IP, ... headers) is refused with 403.");

  /** {@code redis.prefix}: put before every Redis key and channel. */
  static final Key<String> REDIS_PREFIX =
      new Key<>(
          "redis.prefix",
          "switchboard:",
          Parser.of("up to 64 letters, digits and _ : . -", ConfigKeys::redisPrefix),
          "Put before every Redis key and Pub/Sub channel, so several clusters can share one"
              + " Redis.");

  /** Every key: this package's and {@code config}'s, in the order the documentation lists them. */
  public static final KeyTable TABLE =
      Keys.TABLE
          .with("redis.uri", REDIS_PREFIX)
          .with("hub.fanout-threads", ORIGINS)
          .with("http.max-body-size", API_KEYS);

  private ConfigKeys() {}

  /**
   * Writes the documented defaults file.
   *
   * @param args the file to write, {@code server-config/switchboard.properties} when none
   */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "server-config/switchboard.properties");
    Files.writeString(file, DefaultsFile.render(TABLE), StandardCharsets.UTF_8);
  }

  private static List<String> origins(String configured) {
    List<String> origins =
        Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    OriginPolicy.of(origins); // throws IllegalArgumentException naming a bad pattern
    return origins;
  }

  private static String redisPrefix(String configured) {
    if (!RedisOptions.PREFIX.matcher(configured).matches()) {
      throw new IllegalArgumentException(
          "'" + configured + "' has other characters or is too long");
    }
    return configured;
  }
}
