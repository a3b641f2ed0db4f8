package dev.switchboard.metrics;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.bridge.BridgeCounters.Counter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bridges' series, read from their {@link BridgeCounters} at scrape time: one counter family
 * per {@link Counter} ({@code switchboard_bridge_<key>_total}, each with the bridges whose type
 * keeps it), {@code switchboard_bridge_malformed_total} by kind, {@code switchboard_bridge_up} and
 * {@code switchboard_bridge_lag_records} (NaN while not known; absent for a type that does not
 * measure it). Labels {@code bridge} (a configured name, so bounded) and {@code type}; a malformed
 * {@code kind} is one of the bridges' fixed list. The bridges never touch Micrometer. Thread-safe:
 * a scrape only reads adders and volatile fields.
 */
final class BridgeSeries implements MultiCollector {
  static final String PREFIX = "switchboard_bridge_";
  static final String MALFORMED = PREFIX + "malformed";
  static final String UP = PREFIX + "up";
  static final String LAG = PREFIX + "lag_records";

  private final List<BridgeCounters> bridges;

  BridgeSeries(List<BridgeCounters> bridges) {
    this.bridges = List.copyOf(bridges);
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> all = new ArrayList<>();
    for (Counter c : Counter.values()) {
      CounterSnapshot.Builder family = CounterSnapshot.builder().name(PREFIX + c.key).help(c.help);
      boolean kept = false;
      for (BridgeCounters b : bridges) {
        if (b.type().counters().contains(c)) {
          family.dataPoint(counter(labels(b), b.count(c)));
          kept = true;
        }
      }
      if (kept) {
        all.add(family.build());
      }
    }
    CounterSnapshot.Builder malformed =
        CounterSnapshot.builder()
            .name(MALFORMED)
            .help("Records or messages a bridge could not publish and skipped, by kind");
    GaugeSnapshot.Builder up =
        GaugeSnapshot.builder()
            .name(UP)
            .help("1 while the bridge moves records, 0 while paused, reconnecting or stopped");
    GaugeSnapshot.Builder lag =
        GaugeSnapshot.builder()
            .name(LAG)
            .help(
                "Records a bridge is behind: a Kafka bridge's records behind the log end of its"
                    + " partitions, a JMS sink's publications waiting to be sent; NaN when"
                    + " unknown");
    for (BridgeCounters b : bridges) {
      Labels labels = labels(b);
      for (Map.Entry<String, Long> kind : b.malformed().entrySet()) {
        malformed.dataPoint(counter(labels.add("kind", kind.getKey()), kind.getValue()));
      }
      up.dataPoint(gauge(labels, b.up() ? 1 : 0));
      if (b.type().measuresLag) {
        long l = b.lag();
        lag.dataPoint(gauge(labels, l == BridgeCounters.UNKNOWN ? Double.NaN : l));
      }
    }
    all.add(malformed.build());
    all.add(up.build());
    all.add(lag.build());
    return new MetricSnapshots(all);
  }

  private static Labels labels(BridgeCounters b) {
    return Labels.of("bridge", b.name(), "type", b.type().label);
  }

  private static CounterDataPointSnapshot counter(Labels labels, long value) {
    return CounterDataPointSnapshot.builder().labels(labels).value((double) value).build();
  }

  private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
