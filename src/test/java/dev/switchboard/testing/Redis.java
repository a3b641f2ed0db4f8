package dev.switchboard.testing;

import dev.switchboard.engine.redis.RedisOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The machine's Redis (127.0.0.1:6379 unless {@code -Dtest.redis.uri}) for tests: each test gets
 * its own key prefix and deletes its keys afterwards.
 */
public final class Redis {
  public static final String URI = System.getProperty("test.redis.uri", "redis://127.0.0.1:6379/0");

  private Redis() {}

  /** A prefix no other test uses. */
  public static String freshPrefix() {
    return "sbtest:" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  public static RedisOptions options(String uri, String prefix, InstantSource clock) {
    return new RedisOptions(
        uri,
        prefix,
        Duration.ofSeconds(5),
        Duration.ofHours(1),
        Duration.ofSeconds(30),
        Duration.ofMillis(500),
        clock);
  }

  /**
   * Settings for a node of a test cluster: the Redis engine under {@code prefix}, and a {@code
   * feed} namespace with history, presence and join/leave.
   */
  public static Map<String, String> clusterSettings(String uri, String prefix) {
    Map<String, String> s = new HashMap<>();
    s.put("engine", "redis");
    s.put("redis.uri", uri);
    s.put("redis.prefix", prefix);
    s.put("namespace.feed.history.size", "20000");
    s.put("namespace.feed.history.ttl", "10m");
    s.put("namespace.feed.presence", "true");
    s.put("namespace.feed.join-leave", "true");
    return s;
  }

  /** Runs {@code f} with plain synchronous commands on {@code uri}. */
  public static <T> T with(String uri, Function<RedisCommands<String, String>, T> f) {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return f.apply(c.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Deletes every key under {@code prefix}. */
  public static void deleteAll(String uri, String prefix) {
    with(
        uri,
        r -> {
          ScanCursor cursor = ScanCursor.INITIAL;
          do {
            KeyScanCursor<String> page =
                r.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
            if (!page.getKeys().isEmpty()) {
              r.del(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
          } while (!cursor.isFinished());
          return null;
        });
  }
}
