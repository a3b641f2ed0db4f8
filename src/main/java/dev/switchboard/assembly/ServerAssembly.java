package dev.switchboard.assembly;

import dev.switchboard.auth.TokenVerifier;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Key;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.engine.Broker;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.engine.redis.RedisBroker;
import dev.switchboard.engine.redis.RedisOptions;
import dev.switchboard.engine.redis.RedisPresenceStore;
import dev.switchboard.http.ApiKey;
import dev.switchboard.http.HttpApi;
import dev.switchboard.hub.ConnectionPolicy;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.hub.NamespaceOptions;
import dev.switchboard.hub.Namespaces;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.server.EndpointOptions;
import dev.switchboard.server.Endpoints;
import dev.switchboard.server.OriginPolicy;
import dev.switchboard.server.TransportFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The composition root: builds a server's parts (engine, hub, WebSocket endpoints and HTTP API)
 * from a configuration and owns their lifecycle. The standalone server and the WAR each build one
 * and host its parts on their own server. The only class that knows every area, so no area needs to
 * know another's wiring.
 */
public final class ServerAssembly implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ServerAssembly.class.getName());
  private static final String VERSION = readVersion();

  /** {@code origins.allowed}: the origin patterns, each one checked by {@link OriginPolicy}. */
  static final Key<List<String>> ORIGINS =
      new Key<>(
          "origins.allowed",
          ServerAssembly::origins,
          "comma-separated origins like https://app.example.com, http://localhost:*,"
              + " https://*.example.com or *");

  /** {@code api.keys}: the HTTP API's keys. */
  static final Key<List<ApiKey>> API_KEYS =
      new Key<>(
          "api.keys", ApiKey::parseList, "comma-separated name:sha256:<64 hex digits>:scope+scope");

  /** {@code redis.prefix}: put before every Redis key and channel. */
  static final Key<String> REDIS_PREFIX =
      new Key<>(
          "redis.prefix", ServerAssembly::redisPrefix, "up to 64 letters, digits and _ : . -");

  private final ServerConfig config;
  private final Hub hub;
  private final Endpoints endpoints;
  private final HttpApi api;

  /**
   * Runs the hub's periodic sweep: pings, liveness, token expiry. The only idle timer of every
   * session: the containers' own are off (see {@link Endpoints#prepare}).
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
    List<String> origins = new ArrayList<>(config.get(ORIGINS));
    List<ApiKey> apiKeys = config.get(API_KEYS);
    String redisPrefix = config.get(REDIS_PREFIX);
    ConnectionPolicy policy = policy(config);
    Engine engine = engine(config, redisPrefix);
    this.hub =
        Hub.start(
            new HubOptions(
                config.outboxMaxBytes(),
                config.maxSubscriptions(),
                namespaces(config),
                config.fanOutThreads(),
                policy),
            engine.broker(),
            engine.presence());
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
        new Endpoints(
            hub,
            new EndpointOptions(
                config.maxMessageSize(), config.echoMaxMessageSize(), OriginPolicy.of(origins)),
            transports);
    this.api = new HttpApi(hub, apiKeys, config.maxBodySize(), version());
  }

  private static List<String> origins(String configured) {
    List<String> origins =
        Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    OriginPolicy.of(origins); // throws IllegalArgumentException naming a bad pattern
    return origins;
  }

  private static String redisPrefix(String configured) {
    if (!RedisOptions.PREFIX.matcher(configured).matches()) {
      throw new IllegalArgumentException(
          "'" + configured + "' has other characters or is too long");
    }
    return configured;
  }

  /** The hub's namespaces from the configured ones. */
  static Namespaces namespaces(ServerConfig config) {
    Map<String, NamespaceOptions> named = new LinkedHashMap<>();
    config.namespaces().named().forEach((name, n) -> named.put(name, namespace(n)));
    return new Namespaces(namespace(config.namespaces().defaults()), named);
  }

  private static NamespaceOptions namespace(ServerConfig.Namespace n) {
    return new NamespaceOptions(
        n.historySize(),
        n.historyTtl(),
        n.presence(),
        n.joinLeave(),
        n.publish(),
        n.maxMessageSize());
  }

  private static ConnectionPolicy policy(ServerConfig config) {
    ServerConfig.Auth auth = config.auth();
    TokenVerifier tokens = null;
    if (auth.hasKeys()) {
      try {
        tokens =
            TokenVerifier.create(
                auth.hmacSecret(),
                auth.keysFile().orElse(null),
                auth.issuer(),
                auth.audience(),
                InstantSource.system());
      } catch (IOException e) {
        throw new ConfigException("cannot use auth.keys-file: " + e.getMessage());
      }
    }
    ServerConfig.Ws ws = config.ws();
    return new ConnectionPolicy(
        auth.required(),
        tokens,
        ws.handshakeTimeout(),
        ws.rateMessages(),
        ws.rateBytes(),
        ws.pingInterval(),
        ws.pongTimeout(),
        ws.sendTimeout());
  }

  private record Engine(Broker broker, PresenceStore presence) {}

  private static Engine engine(ServerConfig config, String redisPrefix) {
    if (config.engine().equals("redis")) {
      ServerConfig.Redis r = config.redis();
      RedisBroker broker =
          RedisBroker.open(
              new RedisOptions(
                  r.uri(),
                  redisPrefix,
                  r.timeout(),
                  config.historyMetaTtl(),
                  r.presenceTtl(),
                  r.canaryInterval(),
                  InstantSource.system()));
      return new Engine(broker, new RedisPresenceStore(broker));
    }
    return new Engine(new MemoryBroker(config.historyMetaTtl()), new MemoryPresenceStore());
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
      if (!endpoints.awaitAllClosed(grace)) {
        LOG.log(Level.WARNING, endpoints.openSessions() + " sessions still open after " + grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    hub.close();
    endpoints.close();
  }
}
