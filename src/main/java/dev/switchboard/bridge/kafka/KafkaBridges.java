package dev.switchboard.bridge.kafka;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.hub.Hub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node's Kafka bridges, started together and closed together. Each node of a cluster runs every
 * configured bridge in the same consumer group, so Kafka gives each partition to one node. Built
 * only when bridges are configured: without kafka-clients on the class path (a WAR that leaves it
 * out) nothing here is loaded. Thread-safe: the list is fixed at construction.
 */
public final class KafkaBridges implements AutoCloseable {
  private final List<KafkaBridge> bridges;

  private KafkaBridges(List<KafkaBridge> bridges) {
    this.bridges = List.copyOf(bridges);
  }

  /**
   * Checks the options of each entry of {@code configured} (name to options).
   *
   * @throws IllegalArgumentException naming the bridge and the option that is wrong
   */
  public static List<KafkaBridgeSettings> parse(Map<String, Map<String, String>> configured) {
    List<KafkaBridgeSettings> settings = new ArrayList<>();
    configured.forEach(
        (name, options) -> {
          try {
            settings.add(KafkaBridgeSettings.parse(name, options));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bridge.kafka." + name + ": " + e.getMessage(), e);
          }
        });
    return settings;
  }

  /** Builds and starts a bridge for each of {@code settings}. */
  public static KafkaBridges start(List<KafkaBridgeSettings> settings, Hub hub) {
    List<KafkaBridge> bridges = new ArrayList<>();
    for (KafkaBridgeSettings s : settings) {
      KafkaBridge b = new KafkaBridge(s, hub);
      bridges.add(b);
      b.start();
    }
    return new KafkaBridges(bridges);
  }

  /** One entry per bridge for {@code /api/stats}. */
  public List<Map<String, Object>> reports() {
    return counters().stream().map(BridgeCounters::report).toList();
  }

  /** Each bridge's counters, for the metrics. */
  public List<BridgeCounters> counters() {
    return bridges.stream().map(KafkaBridge::counters).toList();
  }

  /** Stops every bridge; publications in flight finish or are read again by the next owner. */
  @Override
  public void close() {
    bridges.forEach(KafkaBridge::close);
  }
}
