package dev.switchboard.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated configuration of a server. Built by {@link #from}, which fails with a {@link
 * ConfigException} naming the first bad key. Each field is documented next to its key in {@code
 * server-config/switchboard.properties}. Holds plain values only: a key whose value is one of
 * another area's types (API keys, origin patterns, the Redis key prefix) is read with {@link #get}
 * and a {@link Key} that area's parser, so this package imports no other area.
 *
 * @param namespaces the default namespace's options and those of each named namespace
 * @param settings the raw values this was read from, for {@link #get}
 */
public record ServerConfig(
    String host,
    int port,
    Optional<Path> tlsKeystore,
    String tlsKeystorePassword,
    String engine,
    Redis redis,
    Ws ws,
    Limits limits,
    Auth auth,
    int echoMaxMessageSize,
    long outboxMaxBytes,
    int maxSubscriptions,
    int fanOutThreads,
    int maxBodySize,
    Duration shutdownTimeout,
    Optional<Path> staticDir,
    NamespaceTable namespaces,
    Duration historyMetaTtl,
    Settings settings) {

  /**
   * Per-connection WebSocket limits.
   *
   * @param rateMessages messages per second a connection may send, 0 for no limit
   * @param rateBytes bytes per second a connection may send, 0 for no limit
   * @param sendBuffer the kernel send buffer of each standalone connection in bytes, 0 for the
   *     operating system's automatic sizing
   * @param sendTimeout longest a send may stay uncompleted before its connection is closed (4005)
   */
  public record Ws(
      int maxMessageSize,
      int maxFragments,
      Duration pingInterval,
      Duration pongTimeout,
      Duration handshakeTimeout,
      int rateMessages,
      long rateBytes,
      int sendBuffer,
      Duration sendTimeout) {}

  /**
   * The Redis engine's settings (used when {@code engine=redis}).
   *
   * <p>The key prefix ({@code redis.prefix}) is read through a {@link Key} of the Redis engine's.
   *
   * @param uri Lettuce URI of the Redis server
   * @param timeout longest wait for a Redis command
   * @param presenceTtl how long a presence entry outlives its node
   * @param canaryInterval how often the Pub/Sub link is checked
   */
  public record Redis(
      String uri, Duration timeout, Duration presenceTtl, Duration canaryInterval) {}

  /** Node-wide connection limits of the standalone server. */
  public record Limits(int maxConnections, int maxConnectionsPerIp, int connectRate) {}

  /**
   * Token authentication.
   *
   * @param hmacSecret the HS256 secret, empty when none
   * @param keysFile PEM or JWKS public keys for RS256/ES256, if any
   * @param issuer the required issuer, empty for any
   * @param audience the required audience, empty for any
   */
  public record Auth(
      boolean required,
      String hmacSecret,
      Optional<Path> keysFile,
      String issuer,
      String audience) {
    /** Whether any key is configured, so tokens can be verified at all. */
    public boolean hasKeys() {
      return !hmacSecret.isEmpty() || keysFile.isPresent();
    }
  }

  /**
   * What a namespace's channels offer, as configured; the hub's {@code NamespaceOptions} is built
   * from it. Each value was checked against the bounds of its key.
   */
  public record Namespace(
      int historySize,
      Duration historyTtl,
      boolean presence,
      boolean joinLeave,
      boolean publish,
      int maxMessageSize) {}

  /**
   * The configured namespaces.
   *
   * @param defaults the options of channels whose namespace has none of its own
   * @param named each configured namespace by name; an option a namespace leaves out was taken from
   *     {@code defaults}
   */
  public record NamespaceTable(Namespace defaults, Map<String, Namespace> named) {
    public NamespaceTable {
      named = Map.copyOf(named);
    }
  }

  /** The name of the namespace whose options the others fall back to. */
  public static final String DEFAULT_NAMESPACE = "default";

  /**
   * Every key this record reads, itself or through a {@link Key}; the defaults file must list
   * exactly these.
   */
  public static final Set<String> KEYS =
      Set.of(
          "server.host",
          "server.port",
          "tls.keystore",
          "tls.keystore-password",
          "engine",
          "redis.uri",
          "redis.prefix",
          "redis.timeout",
          "redis.presence-ttl",
          "redis.canary-interval",
          "ws.max-message-size",
          "ws.max-fragments",
          "ws.ping-interval",
          "ws.pong-timeout",
          "ws.handshake-timeout",
          "ws.rate.messages",
          "ws.rate.bytes",
          "ws.send-buffer",
          "ws.send-timeout",
          "limits.max-connections",
          "limits.max-connections-per-ip",
          "limits.connect-rate",
          "auth.required",
          "auth.hmac-secret",
          "auth.keys-file",
          "auth.issuer",
          "auth.audience",
          "echo.max-message-size",
          "outbox.max-bytes",
          "hub.max-subscriptions",
          "hub.fanout-threads",
          "origins.allowed",
          "api.keys",
          "http.max-body-size",
          "shutdown.timeout",
          "static.dir",
          "history.meta-ttl",
          "namespace.default.history.size",
          "namespace.default.history.ttl",
          "namespace.default.presence",
          "namespace.default.join-leave",
          "namespace.default.publish",
          "namespace.default.max-message-size");

  /** The options every namespace has, after {@code namespace.<name>.}. */
  public static final List<String> NAMESPACE_OPTIONS =
      List.of(
          "history.size", "history.ttl", "presence", "join-leave", "publish", "max-message-size");

  /** A bigger history is a database, not a recovery buffer. */
  private static final int MAX_HISTORY_SIZE = 1_000_000;

  /** 1 GiB: above this a single message is a mistake, not a use case. */
  private static final long MAX_MESSAGE = 1L << 30;

  /** Validates {@code settings} into a configuration. */
  public static ServerConfig from(Settings settings) {
    Values v = new Values(settings);
    String host = v.string("server.host");
    if (host.isEmpty()) {
      throw v.invalid("server.host", "a host name or IP address to bind, like 127.0.0.1");
    }
    int port = v.integer("server.port", 0, 65535);
    Optional<Path> keystore = optionalPath(v, "tls.keystore", true);
    int maxMessage = (int) v.bytes("ws.max-message-size", 16, MAX_MESSAGE);
    long outbox = v.bytes("outbox.max-bytes", 1024, 1L << 40);
    if (outbox < maxMessage) {
      throw v.invalid(
          "outbox.max-bytes", "at least ws.max-message-size (" + maxMessage + " bytes)");
    }
    Auth auth = auth(v);
    return new ServerConfig(
        host,
        port,
        keystore,
        v.string("tls.keystore-password"),
        v.oneOf("engine", "memory", "redis"),
        redis(v),
        new Ws(
            maxMessage,
            v.integer("ws.max-fragments", 1, 1_000_000),
            v.duration("ws.ping-interval", Duration.ofSeconds(1), Duration.ofHours(1)),
            v.duration("ws.pong-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
            v.duration("ws.handshake-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
            v.integer("ws.rate.messages", 0, 10_000_000),
            v.bytes("ws.rate.bytes", 0, 1L << 40),
            (int) v.bytes("ws.send-buffer", 0, 64L << 20),
            v.duration("ws.send-timeout", Duration.ofSeconds(1), Duration.ofHours(1))),
        new Limits(
            v.integer("limits.max-connections", 1, 10_000_000),
            v.integer("limits.max-connections-per-ip", 1, 10_000_000),
            v.integer("limits.connect-rate", 1, 10_000_000)),
        auth,
        (int) v.bytes("echo.max-message-size", 16, MAX_MESSAGE),
        outbox,
        v.integer("hub.max-subscriptions", 1, 1_000_000),
        fanOutThreads(v),
        (int) v.bytes("http.max-body-size", 64, MAX_MESSAGE),
        v.duration("shutdown.timeout", Duration.ZERO, Duration.ofMinutes(10)),
        optionalPath(v, "static.dir", false),
        namespaces(settings, v),
        v.duration("history.meta-ttl", Duration.ofSeconds(1), Duration.ofDays(365)),
        settings);
  }

  /**
   * The value of a key parsed by the area that owns its type.
   *
   * @throws ConfigException naming the key, its value, its source and what it accepts
   */
  public <T> T get(Key<T> key) {
    return new Values(settings).parsed(key);
  }

  private static Redis redis(Values v) {
    String uri = v.string("redis.uri");
    if (!uri.startsWith("redis://")
        && !uri.startsWith("rediss://")
        && !uri.startsWith("redis-socket://")) {
      throw v.invalid(
          "redis.uri",
          "a redis://, rediss:// or redis-socket:// URI, e.g. redis://127.0.0.1:6379/0");
    }
    return new Redis(
        uri,
        v.duration("redis.timeout", Duration.ofMillis(100), Duration.ofMinutes(5)),
        v.duration("redis.presence-ttl", Duration.ofSeconds(1), Duration.ofHours(1)),
        v.duration("redis.canary-interval", Duration.ofMillis(100), Duration.ofMinutes(1)));
  }

  private static Auth auth(Values v) {
    String secret = v.string("auth.hmac-secret");
    if (!secret.isEmpty() && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw v.invalid("auth.hmac-secret", "at least 32 bytes (HS256 needs a 256-bit key)");
    }
    Auth auth =
        new Auth(
            v.bool("auth.required"),
            secret,
            optionalPath(v, "auth.keys-file", true),
            v.string("auth.issuer"),
            v.string("auth.audience"));
    if (auth.required() && !auth.hasKeys()) {
      throw v.invalid(
          "auth.required", "false, or true together with auth.hmac-secret or auth.keys-file");
    }
    return auth;
  }

  /** {@code auto}: half the processors, at least one; else 0 to 64. */
  private static int fanOutThreads(Values v) {
    if (v.string("hub.fanout-threads").equals("auto")) {
      return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
    try {
      return v.integer("hub.fanout-threads", 0, 64);
    } catch (ConfigException e) {
      throw v.invalid("hub.fanout-threads", "auto or an integer from 0 to 64");
    }
  }

  private static NamespaceTable namespaces(Settings settings, Values v) {
    Namespace defaults = namespace(settings, v, DEFAULT_NAMESPACE);
    Set<String> names = new TreeSet<>();
    for (String key : settings.keys()) {
      if (key.startsWith(Settings.NAMESPACE_PREFIX)) {
        String rest = key.substring(Settings.NAMESPACE_PREFIX.length());
        names.add(rest.substring(0, rest.indexOf('.')));
      }
    }
    names.remove(DEFAULT_NAMESPACE);
    Map<String, Namespace> named = new LinkedHashMap<>();
    for (String name : names) {
      named.put(name, namespace(settings, v, name));
    }
    return new NamespaceTable(defaults, named);
  }

  /** One namespace's options; an option it does not set comes from the default namespace. */
  private static Namespace namespace(Settings settings, Values v, String name) {
    java.util.function.UnaryOperator<String> key =
        option -> {
          String own = Settings.NAMESPACE_PREFIX + name + "." + option;
          return settings.has(own)
              ? own
              : Settings.NAMESPACE_PREFIX + DEFAULT_NAMESPACE + "." + option;
        };
    int size = v.integer(key.apply("history.size"), 0, MAX_HISTORY_SIZE);
    return new Namespace(
        size,
        v.duration(key.apply("history.ttl"), Duration.ofSeconds(1), Duration.ofDays(365)),
        v.bool(key.apply("presence")),
        v.bool(key.apply("join-leave")),
        v.bool(key.apply("publish")),
        (int) v.bytes(key.apply("max-message-size"), 1, MAX_MESSAGE));
  }

  /** Defaults with {@code overrides}; for tests and embedding. */
  public static ServerConfig defaults(java.util.Map<String, String> overrides) {
    return from(Settings.defaultsOnly().with(overrides));
  }

  /** Largest message on {@code /ws}. */
  public int maxMessageSize() {
    return ws.maxMessageSize();
  }

  /** Whether the standalone server speaks TLS. */
  public boolean tls() {
    return tlsKeystore.isPresent();
  }

  private static Optional<Path> optionalPath(Values v, String key, boolean file) {
    String s = v.string(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(s);
    if (file ? !Files.isRegularFile(p) : !Files.isDirectory(p)) {
      throw v.invalid(key, file ? "an existing file" : "an existing directory");
    }
    return Optional.of(p);
  }
}
