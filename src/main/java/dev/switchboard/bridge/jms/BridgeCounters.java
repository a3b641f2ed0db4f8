package dev.switchboard.bridge.jms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One bridge's figures for {@code /api/stats}. Thread-safe: adders and a concurrent map; the state
 * is a volatile word written by the bridge's own thread.
 */
final class BridgeCounters {
  final LongAdder consumed = new LongAdder();
  final LongAdder published = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder forwarded = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder failures = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> malformed = new ConcurrentHashMap<>();

  /** starting, running, paused (engine not ready), reconnecting or closed. */
  private volatile String state = "starting";

  void state(String state) {
    this.state = state;
  }

  String state() {
    return state;
  }

  void malformed(String kind) {
    malformed.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  Map<String, Object> snapshot(String name, String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("type", type);
    m.put("state", state);
    m.put("consumed", consumed.sum());
    m.put("published", published.sum());
    m.put("duplicates", duplicates.sum());
    Map<String, Long> bad = new TreeMap<>();
    malformed.forEach((k, v) -> bad.put(k, v.sum()));
    m.put("malformed", bad);
    m.put("forwarded", forwarded.sum());
    m.put("dropped", dropped.sum());
    m.put("failures", failures.sum());
    return m;
  }
}
