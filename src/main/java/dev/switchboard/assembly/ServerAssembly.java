package dev.switchboard.assembly;

import dev.switchboard.app.Channels;
import dev.switchboard.auth.RoleGrants;
import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.bridge.jms.JmsBridges;
import dev.switchboard.bridge.kafka.KafkaBridgeSettings;
import dev.switchboard.bridge.kafka.KafkaBridges;
import dev.switchboard.config.AuthKeys;
import dev.switchboard.config.EngineKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.ServerKeys;
import dev.switchboard.config.WsKeys;
import dev.switchboard.engine.Broker;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.engine.redis.RedisEngine;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.http.ApiKey;
import dev.switchboard.http.HttpApi;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.hub.Tracing;
import dev.switchboard.metrics.PrometheusMetrics;
import dev.switchboard.otel.OtelTracing;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.proxy.ProxyDecisions;
import dev.switchboard.server.OriginPolicy;
import dev.switchboard.server.TransportFactory;
import dev.switchboard.server.WebSocketEndpoints;
import dev.switchboard.sse.SseSessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The composition root: builds a server's parts (engine, hub, WebSocket endpoints and HTTP API)
 * from a configuration and owns their lifecycle. The standalone server and the WAR each build one
 * and host its parts on their own server. The only class that knows every area, so no area needs to
 * know another's wiring.
 */
public final class ServerAssembly implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ServerAssembly.class.getName());
  private static final String VERSION = readVersion();

  /** Path of the fallback transport's stream; its POSTs go to {@code /sse/<session>}. */
  public static final String SSE_PATH = "/sse";

  private final ServerConfig config;
  private final Hub hub;
  private final WebSocketEndpoints endpoints;
  private final HttpApi api;

  /** The fallback transport's sessions; null when {@code sse.enabled} is false. */
  private final @Nullable SseSessions sse;

  /**
   * This server's own metrics registry, served at {@code /metrics}; closed with the server. Null
   * when {@code metrics.enabled} is false: then nothing is built and there is no such path.
   */
  private final @Nullable PrometheusMetrics metrics;

  /**
   * Publishes a server's permessage-deflate counters at {@code /metrics} (when metrics are on):
   * messages compressed and their payload bytes before and after. Call once.
   */
  public void countDeflate(
      java.util.function.LongSupplier messages,
      java.util.function.LongSupplier input,
      java.util.function.LongSupplier output) {
    if (metrics != null) {
      metrics.bindDeflate(messages, input, output);
    }
  }

  /** The configured JMS bridges, closed before the hub; null when none is configured. */
  private final @Nullable JmsBridges jmsBridges;

  /** The facade applications in the same JVM publish through: one per server. */
  private final Channels channels;

  /** The Kafka bridges, or null when none is configured. */
  private final @Nullable KafkaBridges kafka;

  /** The backend's decisions over HTTP ({@code proxy.*}), or null when no URL is set. */
  private final @Nullable ProxyDecisions proxy;

  /**
   * Runs the hub's periodic sweep: pings, liveness, token expiry. The only idle timer of every
   * session: the containers' own are off (see {@link WebSocketEndpoints#prepare}).
   */
  private final ScheduledExecutorService sweeper;

  /**
   * @param extraOrigins origins allowed next to the configured ones, e.g. the standalone server's
   *     own origin when none are configured
   */
  public ServerAssembly(ServerConfig config, List<String> extraOrigins) {
    this(config, extraOrigins, TransportFactory.PORTABLE);
  }

  /**
   * @param transports how sessions send; the standalone server passes its Tyrus fast path
   */
  public ServerAssembly(
      ServerConfig config, List<String> extraOrigins, TransportFactory transports) {
    this.config = config;
    // Every value read before anything starts, so a bad one stops start-up with nothing to undo.
    // Other areas' keys too (ServerConfig.from checked config's own), even those of an engine
    // not in use.
    ConfigKeys.TABLE.keys().forEach(config::get);
    Map<String, Map<String, String>> jms = config.jmsBridges();
    if (!jms.isEmpty()) {
      JmsBridges.check(jms);
    }
    List<String> origins = new ArrayList<>(config.get(ConfigKeys.ORIGINS));
    List<ApiKey> apiKeys = config.get(ConfigKeys.API_KEYS);
    RoleGrants roles = AreaOptions.roles(config);
    List<KafkaBridgeSettings> kafkaSettings = KafkaBridging.settings(config);
    HubOptions options = AreaOptions.hub(config, AreaOptions.policy(config));
    Engine engine = engine(config);
    this.metrics = config.get(ServerKeys.METRICS_ENABLED) ? new PrometheusMetrics() : null;
    this.hub =
        metrics == null
            ? Hub.start(options, engine.broker(), engine.presence())
            : Hub.start(options, metrics.timed(engine.broker()), metrics.timed(engine.presence()));
    Tracing tracing = OtelTracing.forMode(config.get(ServerKeys.TRACING));
    if (tracing != null) {
      hub.traceWith(tracing);
    }
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "switchboard-sweeper");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(hub::sweep, 1, 1, TimeUnit.SECONDS);
    if (origins.isEmpty()) {
      origins.addAll(OriginPolicy.LOCALHOST);
      origins.addAll(extraOrigins);
    }
    this.endpoints =
        new WebSocketEndpoints(
            hub, AreaOptions.endpoints(config, OriginPolicy.of(origins), roles), transports);
    this.sse =
        config.get(WsKeys.SSE_ENABLED)
            ? new SseSessions(
                hub,
                new SseSessions.Options(
                    SSE_PATH,
                    config.get(WsKeys.MAX_MESSAGE_SIZE),
                    endpoints.origins()::allows,
                    endpoints.accessLog(),
                    new SseSessions.ContainerRoles(config.get(AuthKeys.CONTAINER), roles),
                    endpoints::forwarded))
            : null;
    if (metrics != null) {
      metrics.bind(hub, engine.broker());
    }
    this.api = new HttpApi(hub, apiKeys, AreaOptions.maxBodySize(config), version(), metrics);
    this.channels = Channels.over(hub);
    this.proxy = AreaOptions.proxy(config);
    if (proxy != null) {
      hub.decideWith(proxy);
      api.statsSection("proxy", proxy.stats()::snapshot);
      if (metrics != null) {
        metrics.bindProxy(proxy.stats()::snapshot);
      }
    }
    // Only when configured: a WAR on a container without Jakarta Messaging loads no JMS class.
    // The options were checked above; a factory not to be had (JNDI) still fails here.
    JmsBridges bridges = null;
    if (!jms.isEmpty()) {
      try {
        bridges = JmsBridges.start(hub, jms);
      } catch (RuntimeException e) {
        closeParts();
        throw e;
      }
      api.reportBridges(bridges::stats);
    }
    this.jmsBridges = bridges;
    try {
      this.kafka = KafkaBridging.start(kafkaSettings, hub, api);
    } catch (RuntimeException e) {
      if (bridges != null) {
        bridges.close();
      }
      closeParts();
      throw e;
    }
    bindBridgeMetrics();
  }

  /** Hands every bridge's counters to the metrics, when both are there. */
  private void bindBridgeMetrics() {
    if (metrics == null) {
      return;
    }
    List<BridgeCounters> all = new ArrayList<>();
    if (jmsBridges != null) {
      all.addAll(jmsBridges.counters());
    }
    if (kafka != null) {
      all.addAll(kafka.counters());
    }
    if (!all.isEmpty()) {
      metrics.bindBridges(all);
    }
  }

  private record Engine(Broker broker, PresenceStore presence) {}

  /** The engine that {@code engine} names, built from its options. */
  private static Engine engine(ServerConfig config) {
    if (config.get(EngineKeys.ENGINE).equals("redis")) {
      RedisEngine redis =
          RedisEngine.open(
              AreaOptions.redis(config),
              config.get(EngineKeys.REDIS_FAIL_FAST)
                  ? null
                  : config.get(EngineKeys.REDIS_CONNECT_RETRY_MAX));
      return new Engine(redis.broker(), redis.presence());
    }
    return new Engine(
        new MemoryBroker(config.get(EngineKeys.HISTORY_META_TTL)), new MemoryPresenceStore());
  }

  /**
   * The POM's version, which the build filters into {@code version.properties} beside this class.
   * Not the jar manifest: a WAR's classes sit in {@code WEB-INF/classes} with no manifest of their
   * own, so the WAR, the runnable jar and a run from classes would not agree.
   */
  public static String version() {
    return VERSION;
  }

  private static String readVersion() {
    try (InputStream in = ServerAssembly.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "version.properties is missing: classes built without their resources");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ServerConfig config() {
    return config;
  }

  public Hub hub() {
    return hub;
  }

  public WebSocketEndpoints endpoints() {
    return endpoints;
  }

  public HttpApi api() {
    return api;
  }

  /** The fallback transport's sessions, or null when {@code sse.enabled} is false. */
  public @Nullable SseSessions sse() {
    return sse;
  }

  /**
   * How long {@link #close} may take after the graceful stop: the JMS bridges' threads, sinks
   * sending what is still queued ({@code drain-timeout}); zero without JMS bridges.
   */
  public Duration closeTime() {
    return jmsBridges == null ? Duration.ZERO : jmsBridges.closeTime();
  }

  /**
   * The backend's decisions the {@code proxy.*} keys configure, or null when none: an integration
   * that brings its own decisions (CDI beans) asks these too ({@link
   * dev.switchboard.hooks.Decisions#inOrder}).
   */
  public @Nullable Decisions proxy() {
    return proxy;
  }

  /** Publishing, history, presence and user actions for code in the same JVM. */
  public Channels channels() {
    return channels;
  }

  /**
   * Graceful stop, all of it within {@code timeout} from now (the caller then stops its server and
   * closes this):
   *
   * <ol>
   *   <li>{@code /ready} answers 503 ("draining") for {@code shutdown.drain}, while connections are
   *       still accepted, so that load balancers stop routing here;
   *   <li>{@code refuseNew} runs (the host stops taking connections where it can) and the hub
   *       closes any connection opened from now on with 1012 (service restart);
   *   <li>every connection is closed with 1012 in random order, spread over {@code shutdown.spread}
   *       by the sweeper's timer, so that clients do not all reconnect at once;
   *   <li>waits for the clients to take their close until the timeout is up.
   * </ol>
   *
   * The drain and then the spread are shortened to fit in what is left of {@code timeout}: it caps
   * the whole stop. Blocks the calling thread only; an interrupt cuts the drain short (the clients
   * are still closed) and is kept for the caller.
   */
  public void stopGracefully(Duration timeout, Runnable refuseNew) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration drain = min(config.get(ServerKeys.SHUTDOWN_DRAIN), timeout);
    hub.lifecycle().startDraining();
    boolean interrupted = false;
    if (!drain.isZero()) {
      LOG.log(Level.INFO, "not ready; draining for " + drain.toMillis() + " ms");
      try {
        Thread.sleep(drain.toMillis());
      } catch (InterruptedException e) {
        interrupted = true; // cuts the drain short; the clients are still closed as they should be
      }
    }
    refuseNew.run();
    hub.lifecycle().stopAccepting();
    List<Runnable> closers = hub.closers(CloseCode.SERVICE_RESTART, "server shutting down");
    Duration spread = min(config.get(ServerKeys.SHUTDOWN_SPREAD), left(deadline));
    SpreadClose.start(closers, spread, sweeper, ThreadLocalRandom.current());
    try {
      if (!endpoints.awaitAllClosed(left(deadline))) {
        LOG.log(Level.WARNING, endpoints.openSessions() + " sessions still open after " + timeout);
      }
      if (sse != null && !sse.awaitAllClosed(left(deadline))) {
        LOG.log(Level.WARNING, sse.count() + " event streams still open after " + timeout);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration left(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    if (jmsBridges != null) {
      jmsBridges.close();
    }
    closeParts();
  }

  private void closeParts() {
    sweeper.shutdownNow();
    if (kafka != null) {
      kafka.close();
    }
    hub.close();
    endpoints.close();
    if (metrics != null) {
      metrics.close();
    }
  }
}
