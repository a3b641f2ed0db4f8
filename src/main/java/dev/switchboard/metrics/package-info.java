/**
 * Prometheus metrics through Micrometer: {@link dev.switchboard.metrics.PrometheusMetrics} binds
 * the hub's counters and gauges to one registry per server and renders the text that the HTTP API
 * serves at {@code /metrics}. Values are read from the hub's own counters at scrape time, so the
 * delivery path makes no Micrometer call; the latency histograms are lock-free bucket counters
 * ({@code hub.LatencyHistogram}) handed to the registry at scrape time by {@code Histograms}. The
 * engine's calls are timed at one seam, {@code TimedBroker} and {@code TimedPresence}, wrapped
 * around the engine only when metrics are on. The bridges' counters are read likewise at scrape
 * time ({@code BridgeSeries}). The only package that imports Micrometer.
 */
package dev.switchboard.metrics;
