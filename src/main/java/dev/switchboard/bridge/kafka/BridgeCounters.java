package dev.switchboard.bridge.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one bridge did, for {@code /api/stats}: counters and a state. Thread-safe: adders and a
 * concurrent map; the state is volatile (written by the bridge's thread, read by the API).
 */
final class BridgeCounters {
  final LongAdder consumed = new LongAdder();
  final LongAdder published = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder retried = new LongAdder();
  private final Map<String, LongAdder> malformed = new ConcurrentHashMap<>();
  private volatile String state = "starting";

  void state(String state) {
    this.state = state;
  }

  String state() {
    return state;
  }

  /** Counts a malformed record of {@code kind}; true the first time this kind is seen. */
  boolean malformed(String kind) {
    boolean[] first = {false};
    malformed
        .computeIfAbsent(
            kind,
            k -> {
              first[0] = true;
              return new LongAdder();
            })
        .increment();
    return first[0];
  }

  Map<String, Object> report(String name) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("type", "kafka");
    m.put("state", state);
    m.put("consumed", consumed.sum());
    m.put("published", published.sum());
    m.put("duplicates", duplicates.sum());
    m.put("dead_lettered", deadLettered.sum());
    m.put("retried", retried.sum());
    Map<String, Long> kinds = new TreeMap<>();
    malformed.forEach((k, v) -> kinds.put(k, v.sum()));
    m.put("malformed", kinds);
    return m;
  }
}
