package dev.switchboard.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP proxy's counters as {@code switchboard_proxy_<name>_total}, read from the same snapshot
 * as {@code proxy} in {@code /api/stats} at scrape time. Only the names listed here are served:
 * each is known to be a counter (a figure added to the snapshot later is not served until it is
 * listed with its meaning). No labels. Thread-safe if the snapshot is.
 */
final class ProxySeries implements MultiCollector {
  static final String PREFIX = "switchboard_proxy_";

  /** Snapshot name to help text, in the order served. */
  private static final Map<String, String> COUNTERS = new LinkedHashMap<>();

  static {
    COUNTERS.put("requests", "Calls made to the proxy's backend, retries included");
    COUNTERS.put("retries", "Calls to the backend that retried a failed call");
    COUNTERS.put("denials", "Decisions the backend answered with an error (deny)");
    COUNTERS.put("failures", "Calls to the backend that failed: timeouts, errors, bad answers");
    COUNTERS.put("timeouts", "Calls to the backend that timed out (also counted as failures)");
    COUNTERS.put("malformed", "Backend answers that were not of the documented shape");
    COUNTERS.put("fallbacks", "Decisions taken by proxy.fail because the backend could not answer");
    COUNTERS.put("rejected", "Calls not made: proxy.max-in-flight calls were already waiting");
  }

  private final Supplier<Map<String, Object>> figures;

  ProxySeries(Supplier<Map<String, Object>> figures) {
    this.figures = figures;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, Object> now = figures.get();
    List<MetricSnapshot> all = new ArrayList<>();
    COUNTERS.forEach(
        (name, help) -> {
          if (now.get(name) instanceof Number n) {
            all.add(
                CounterSnapshot.builder()
                    .name(PREFIX + name)
                    .help(help)
                    .dataPoint(CounterDataPointSnapshot.builder().value(n.doubleValue()).build())
                    .build());
          }
        });
    return new MetricSnapshots(all);
  }
}
