package dev.switchboard.bridge.kafka;

import dev.switchboard.testing.KafkaBroker;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The settings the multi-node Kafka tests share: nodes on one Redis engine whose namespace {@code
 * k} keeps enough history, and the same nodes with bridge {@code s} reading topic {@code stream}
 * into channels {@code k:stream-<key>}.
 */
final class ClusterSettings {
  private ClusterSettings() {}

  /** A node on the Redis engine at {@code redisUri} ({@code prefix} may be null: none). */
  static Map<String, String> engine(
      String redisUri, @Nullable String prefix, int historySize, String historyTtl) {
    Map<String, String> s = new HashMap<>();
    s.put("engine", "redis");
    s.put("redis.uri", redisUri);
    if (prefix != null) {
      s.put("redis.prefix", prefix);
    }
    s.put("namespace.k.history.size", Integer.toString(historySize));
    s.put("namespace.k.history.ttl", historyTtl);
    return s;
  }

  /** {@code engine} plus bridge {@code s} on {@code broker}. */
  static Map<String, String> bridged(
      Map<String, String> engine, KafkaBroker broker, int maxInFlight, int sessionTimeoutMs) {
    Map<String, String> s = new HashMap<>(engine);
    s.put("bridge.kafka.s.bootstrap-servers", broker.bootstrap());
    s.put("bridge.kafka.s.topics", "stream");
    s.put("bridge.kafka.s.channel", "k:{topic}-{key}");
    s.put("bridge.kafka.s.max-in-flight", Integer.toString(maxInFlight));
    s.put("bridge.kafka.s.session-timeout-ms", Integer.toString(sessionTimeoutMs));
    return s;
  }
}
