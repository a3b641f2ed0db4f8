package dev.switchboard.metrics;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.engine.Broker;
import dev.switchboard.engine.EngineStatus;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.http.MetricsText;
import dev.switchboard.hub.HandshakeResult;
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
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * One server's metrics: a Prometheus registry of its own (never a global one, so two servers in one
 * JVM stay apart) in which the hub's counters and gauges are bound as functions read at scrape
 * time. Closing it closes the registry and the JVM binders' listeners. Thread-safe.
 *
 * <p>Lifecycle: build it, wrap the engine with {@link #timed(Broker)} and {@link
 * #timed(PresenceStore)} before the hub is started on it, then {@link #bind} the hub once.
 *
 * <p>Cardinality rule: labels take values from fixed lists only (endpoint, close code, error code,
 * handshake result, engine command, a bridge's configured name); never a channel, user, client or
 * address.
 */
public final class PrometheusMetrics implements MetricsText, AutoCloseable {
  /** Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final EngineCommands commands = new EngineCommands();

  public PrometheusMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** {@code broker} with its commands timed and counted in this registry. */
  public Broker timed(Broker broker) {
    return new TimedBroker(broker, commands);
  }

  /** {@code presence} with its calls timed and counted in this registry. */
  public PresenceStore timed(PresenceStore presence) {
    return new TimedPresence(presence, commands);
  }

  /**
   * Binds {@code hub}'s counters, gauges and histograms, the engine commands' and, when {@code
   * engine} has a link ({@link EngineStatus}: Redis), its state. Call once.
   *
   * @param engine the engine's own broker (not the {@link #timed} one), for its link
   */
  public void bind(Hub hub, Broker engine) {
    bindHub(registry, hub);
    bindEngine(registry, engine);
    hub.metrics().measureDeliveryLatency();
    registry
        .getPrometheusRegistry()
        .register(new Histograms(hub.metrics().deliveryLatency(), commands));
  }

  /**
   * Binds the configured bridges' series ({@link BridgeSeries}); call once, with every bridge of
   * every kind, and not at all without bridges.
   */
  public void bindBridges(List<BridgeCounters> bridges) {
    registry.getPrometheusRegistry().register(new BridgeSeries(bridges));
  }

  /**
   * Binds the HTTP proxy's counters ({@link ProxySeries}), read from {@code figures} (its {@code
   * /api/stats} section) at scrape time; call once, and only when the proxy is configured.
   */
  public void bindProxy(Supplier<Map<String, Object>> figures) {
    registry.getPrometheusRegistry().register(new ProxySeries(figures));
  }

  private void bindEngine(MeterRegistry registry, Broker engine) {
    for (EngineCommand c : EngineCommand.values()) {
      FunctionCounter.builder("switchboard.engine.errors", commands, x -> x.errors(c))
          .description("Engine calls that failed, by command")
          .tag("command", c.label)
          .register(registry);
    }
    // The memory engine has no link: no series rather than a constant 1 that means nothing.
    EngineStatus link = engine.status();
    if (link.link() != EngineStatus.Link.NONE) {
      gauge(
          registry,
          "switchboard.engine.link.up",
          "1 while every connection to the engine (Redis) is open, else 0",
          link,
          l -> l.link() == EngineStatus.Link.UP ? 1 : 0);
      FunctionCounter.builder("switchboard.engine.link.reconnects", link, EngineStatus::reconnects)
          .description("Times the link to the engine (Redis) came back after it broke")
          .register(registry);
    }
  }

  private static void bindHub(MeterRegistry registry, Hub hub) {
    HubMetrics m = hub.metrics();
    // The hub's connections (also the application's own endpoints attached to it) and echo's.
    // The fallback transport's sessions are hub connections too, counted on their own.
    Gauge.builder("switchboard.connections", hub, h -> h.connectionCount() - m.sseSessions())
        .description("Open WebSocket connections, by endpoint")
        .tag("endpoint", "hub")
        .register(registry);
    Gauge.builder("switchboard.connections", m, HubMetrics::sseSessions)
        .description("Open WebSocket connections, by endpoint")
        .tag("endpoint", "sse")
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
    for (HandshakeResult r : HandshakeResult.values()) {
      FunctionCounter.builder("switchboard.handshakes", m, x -> x.handshakes(r))
          .description("WebSocket handshakes, by result (accepted or why refused)")
          .tag("result", r.label())
          .register(registry);
    }
    gauge(
        registry,
        "switchboard.subscriptions",
        "Subscriptions on this node, by channel and by pattern",
        m,
        HubMetrics::subscriptions);
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
