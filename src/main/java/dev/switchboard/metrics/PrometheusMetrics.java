package dev.switchboard.metrics;

import dev.switchboard.http.MetricsText;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * One server's metrics: a Prometheus registry of its own (never a global one, so two servers in one
 * JVM stay apart) in which the hub's counters and gauges are bound as functions read at scrape
 * time. Closing it closes the registry and the JVM binders' listeners. Thread-safe.
 */
public final class PrometheusMetrics implements MetricsText, AutoCloseable {
  /** Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public PrometheusMetrics(Hub hub) {
    bindHub(registry, hub);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private static void bindHub(MeterRegistry registry, Hub hub) {
    HubMetrics m = hub.metrics();
    // The hub's connections (also the application's own endpoints attached to it) and echo's.
    Gauge.builder("switchboard.connections", hub, Hub::connectionCount)
        .description("Open WebSocket connections, by endpoint")
        .tag("endpoint", "hub")
        .register(registry);
    Gauge.builder("switchboard.connections", m, HubMetrics::plainConnections)
        .description("Open WebSocket connections, by endpoint")
        .tag("endpoint", "echo")
        .register(registry);
    gauge(
        registry,
        "switchboard.channels",
        "Channels with a subscriber on this node",
        hub,
        Hub::channelCount);
    Gauge.builder("switchboard.outbox.queued", hub, Hub::queuedBytes)
        .description("Bytes waiting in all outboxes together")
        .baseUnit("bytes")
        .register(registry);
    gauge(
        registry,
        "switchboard.engine.ready",
        "1 when the engine is ready, else 0",
        hub,
        h -> h.isReady() ? 1 : 0);
    counter(
        registry,
        "switchboard.connections.opened",
        "Hub connections opened",
        m,
        HubMetrics::connectionsOpened);
    counter(
        registry,
        "switchboard.connections.closed",
        "Hub connections closed",
        m,
        HubMetrics::connectionsClosed);
    counter(
        registry,
        "switchboard.handshakes.refused",
        "WebSocket handshakes refused before the upgrade",
        m,
        HubMetrics::handshakesRefused);
    counter(
        registry, "switchboard.publications", "Publications accepted", m, HubMetrics::publishes);
    counter(
        registry,
        "switchboard.deliveries",
        "Frames queued for clients: publications, replies and pushes",
        m,
        HubMetrics::deliveries);
    counter(
        registry,
        "switchboard.dropped.frames",
        "Frames not queued: the outbox was full or closed",
        m,
        HubMetrics::droppedFrames);
    counter(
        registry,
        "switchboard.hook.failures",
        "Application decisions and listeners that threw",
        m,
        HubMetrics::hookFailures);
    counter(
        registry,
        "switchboard.dropped.events",
        "Events application listeners dropped",
        m,
        HubMetrics::droppedEvents);
    for (CloseCode close : CloseCode.known()) {
      FunctionCounter.builder("switchboard.closes", m, x -> x.closes(close.code()))
          .description("Connections the server closed, by close code")
          .tag("code", String.valueOf(close.code()))
          .tag("reason", close.name())
          .register(registry);
    }
    // Codes outside the protocol's list (an application's own, 3000-4999) share one series.
    java.util.Set<Integer> known =
        CloseCode.known().stream()
            .map(CloseCode::code)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    FunctionCounter.builder("switchboard.closes", m, x -> x.closesExcept(known))
        .description("Connections the server closed, by close code")
        .tag("code", "other")
        .tag("reason", "other")
        .register(registry);
    for (ErrorCode code : ErrorCode.values()) {
      FunctionCounter.builder("switchboard.errors", m, x -> x.errors(code))
          .description("Error replies and HTTP API refusals, by error code")
          .tag("code", code.label())
          .register(registry);
    }
  }

  private static <T> void gauge(
      MeterRegistry registry, String name, String help, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).description(help).register(registry);
  }

  private static void counter(
      MeterRegistry registry,
      String name,
      String help,
      HubMetrics m,
      ToDoubleFunction<HubMetrics> value) {
    FunctionCounter.builder(name, m, value).description(help).register(registry);
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public String scrape() {
    return registry.scrape(CONTENT_TYPE);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
