package dev.switchboard.server;

import dev.switchboard.config.ServerConfig;
import dev.switchboard.engine.Broker;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.http.HttpApi;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.protocol.CloseCode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

/**
 * One Switchboard node: engine, hub, WebSocket endpoints and HTTP API built from a configuration.
 * The standalone server and the WAR each build one and host its parts on their own server.
 */
public final class Node implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Node.class.getName());

  private final ServerConfig config;
  private final Hub hub;
  private final Endpoints endpoints;
  private final HttpApi api;

  /**
   * @param extraOrigins origins allowed next to the configured ones, e.g. the standalone server's
   *     own origin when none are configured
   */
  public Node(ServerConfig config, List<String> extraOrigins) {
    this(config, extraOrigins, TransportFactory.PORTABLE);
  }

  /**
   * @param transports how sessions send; the standalone server passes its Tyrus fast path
   */
  public Node(ServerConfig config, List<String> extraOrigins, TransportFactory transports) {
    this.config = config;
    this.hub =
        Hub.start(
            new HubOptions(
                config.outboxMaxBytes(), config.maxSubscriptions(), config.namespaces(), config.fanOutThreads()),
            broker(config),
            new MemoryPresenceStore());
    List<String> origins = new java.util.ArrayList<>(config.allowedOrigins());
    if (origins.isEmpty()) {
      origins.addAll(OriginPolicy.LOCALHOST);
      origins.addAll(extraOrigins);
    }
    this.endpoints =
        new Endpoints(
            hub,
            new EndpointOptions(
                config.maxMessageSize(),
                config.echoMaxMessageSize(),
                config.idleTimeout(),
                OriginPolicy.of(origins)),
            transports);
    this.api = new HttpApi(hub, config.apiKey(), config.maxBodySize(), version());
  }

  private static Broker broker(ServerConfig config) {
    // ServerConfig accepts only engines built here.
    return new MemoryBroker(config.historyMetaTtl());
  }

  /** The running version, from the jar manifest ("dev" when run from classes). */
  public static String version() {
    String v = Node.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public ServerConfig config() {
    return config;
  }

  public Hub hub() {
    return hub;
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  public HttpApi api() {
    return api;
  }

  /**
   * Graceful stop: refuse new connections, close every client with 1001, wait up to {@code grace}
   * for them to go, then stop the engine. The caller stops its server afterwards.
   */
  public void drain(Duration grace) {
    hub.stopAccepting();
    hub.closeAll(CloseCode.GOING_AWAY, "server shutting down");
    try {
      if (!endpoints.closeAndAwait(grace)) {
        LOG.log(Level.WARNING, endpoints.openSessions() + " sessions still open after " + grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    hub.close();
    endpoints.close();
  }
}
