package dev.switchboard.metrics;

import dev.switchboard.hub.LatencyHistogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The latency histograms, read from their lock-free {@link LatencyHistogram}s at scrape time and
 * handed to the registry as classic Prometheus histograms: the recording side never touches
 * Micrometer (a Micrometer timer per publication or per engine call would take its own locks and
 * allocate). Thread-safe: a scrape only reads adders.
 */
final class Histograms implements MultiCollector {
  static final String DELIVERY = "switchboard_delivery_latency_seconds";
  static final String ENGINE = "switchboard_engine_command_seconds";

  private static final double[] BOUNDS = withInfinity(LatencyHistogram.boundsSeconds());

  private final LatencyHistogram delivery;
  private final EngineCommands commands;

  Histograms(LatencyHistogram delivery, EngineCommands commands) {
    this.delivery = delivery;
    this.commands = commands;
  }

  @Override
  public MetricSnapshots collect() {
    List<HistogramDataPointSnapshot> engine = new ArrayList<>();
    for (EngineCommand c : EngineCommand.values()) {
      engine.add(point(Labels.of("command", c.label), commands.histogram(c)));
    }
    return MetricSnapshots.of(
        histogram(
            DELIVERY,
            "Time from a publication reaching this node (the engine's hand-off) to the end of the"
                + " fan-out round that queued it for every local subscriber and started their"
                + " writes",
            List.of(point(Labels.EMPTY, delivery))),
        histogram(
            ENGINE,
            "Engine calls from the call to the completion of their result, by command",
            engine));
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(DELIVERY, ENGINE);
  }

  private static HistogramSnapshot histogram(
      String name, String help, List<HistogramDataPointSnapshot> points) {
    HistogramSnapshot.Builder b =
        HistogramSnapshot.builder().name(name).help(help).unit(Unit.SECONDS);
    points.forEach(b::dataPoint);
    return b.build();
  }

  private static HistogramDataPointSnapshot point(Labels labels, LatencyHistogram h) {
    return HistogramDataPointSnapshot.builder()
        .labels(labels)
        .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, h.counts()))
        .sum(h.sumSeconds())
        .build();
  }

  private static double[] withInfinity(double[] finite) {
    double[] all = Arrays.copyOf(finite, finite.length + 1);
    all[finite.length] = Double.POSITIVE_INFINITY;
    return all;
  }
}
