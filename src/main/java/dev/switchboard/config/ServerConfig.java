package dev.switchboard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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

  /** Validates {@code settings} into a configuration. */
  public static ServerConfig from(Settings settings) {
    ServerConfig c = new ServerConfig(settings);
    int maxMessage = c.get(WsKeys.MAX_MESSAGE_SIZE);
    long outbox = c.get(WsKeys.OUTBOX_MAX_BYTES);
    if (outbox < maxMessage) {
      throw c.invalid(
          WsKeys.OUTBOX_MAX_BYTES, "at least ws.max-message-size (" + maxMessage + " bytes)");
    }
    Auth auth = auth(c);
    return new ServerConfig(
        c.get(ServerKeys.HOST),
        c.get(ServerKeys.PORT),
        c.get(ServerKeys.TLS_KEYSTORE),
        c.get(ServerKeys.TLS_KEYSTORE_PASSWORD),
        c.get(EngineKeys.ENGINE),
        new Redis(
            c.get(EngineKeys.REDIS_URI),
            c.get(EngineKeys.REDIS_TIMEOUT),
            c.get(EngineKeys.REDIS_PRESENCE_TTL),
            c.get(EngineKeys.REDIS_CANARY_INTERVAL)),
        new Ws(
            maxMessage,
            c.get(WsKeys.MAX_FRAGMENTS),
            c.get(WsKeys.PING_INTERVAL),
            c.get(WsKeys.PONG_TIMEOUT),
            c.get(WsKeys.HANDSHAKE_TIMEOUT),
            c.get(WsKeys.RATE_MESSAGES),
            c.get(WsKeys.RATE_BYTES),
            c.get(WsKeys.SEND_BUFFER),
            c.get(WsKeys.SEND_TIMEOUT)),
        new Limits(
            c.get(ServerKeys.MAX_CONNECTIONS),
            c.get(ServerKeys.MAX_CONNECTIONS_PER_IP),
            c.get(ServerKeys.CONNECT_RATE)),
        auth,
        c.get(WsKeys.ECHO_MAX_MESSAGE_SIZE),
        outbox,
        c.get(WsKeys.MAX_SUBSCRIPTIONS),
        c.get(WsKeys.FANOUT_THREADS),
        c.get(ServerKeys.HTTP_MAX_BODY_SIZE),
        c.get(ServerKeys.SHUTDOWN_TIMEOUT),
        c.get(ServerKeys.STATIC_DIR),
        namespaces(c),
        c.get(EngineKeys.HISTORY_META_TTL),
        settings);
  }

  /** Only settings, for reading them while they are validated. */
  private ServerConfig(Settings settings) {
    this(
        "",
        0,
        Optional.empty(),
        "",
        "",
        null,
        null,
        null,
        null,
        0,
        0,
        0,
        0,
        0,
        Duration.ZERO,
        Optional.empty(),
        null,
        Duration.ZERO,
        settings);
  }

  /**
   * The value of a key.
   *
   * @throws ConfigException naming the key, its value, its source and what it accepts
   */
  public <T> T get(Key<T> key) {
    return parse(key, key.name());
  }

  /**
   * The value of a namespace option ({@link NamespaceKeys}) for namespace {@code namespace}: its
   * own when set, else the default namespace's.
   *
   * @throws ConfigException naming the key read, its value, its source and what it accepts
   */
  public <T> T get(Key<T> option, String namespace) {
    String defaults = Settings.NAMESPACE_PREFIX + DEFAULT_NAMESPACE + ".";
    if (!option.name().startsWith(defaults)) {
      throw new IllegalArgumentException(option.name() + " is not a namespace option");
    }
    String own =
        Settings.NAMESPACE_PREFIX + namespace + "." + option.name().substring(defaults.length());
    return parse(option, settings.has(own) ? own : option.name());
  }

  private <T> T parse(Key<T> key, String name) {
    try {
      return key.parser().parse(settings.get(name));
    } catch (IllegalArgumentException e) {
      String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
      throw invalid(name, key.parser().expected() + detail);
    }
  }

  private ConfigException invalid(Key<?> key, String accepted) {
    return invalid(key.name(), accepted);
  }

  private ConfigException invalid(String key, String accepted) {
    return new ConfigException(
        "invalid value '"
            + settings.get(key)
            + "' for "
            + key
            + " (from "
            + settings.source(key)
            + "): expected "
            + accepted);
  }

  private static Auth auth(ServerConfig c) {
    Auth auth =
        new Auth(
            c.get(AuthKeys.REQUIRED),
            c.get(AuthKeys.HMAC_SECRET),
            c.get(AuthKeys.KEYS_FILE),
            c.get(AuthKeys.ISSUER),
            c.get(AuthKeys.AUDIENCE));
    if (auth.required() && !auth.hasKeys()) {
      throw c.invalid(
          AuthKeys.REQUIRED, "false, or true together with auth.hmac-secret or auth.keys-file");
    }
    return auth;
  }

  private static NamespaceTable namespaces(ServerConfig c) {
    Namespace defaults = namespace(c, DEFAULT_NAMESPACE);
    Set<String> names = new TreeSet<>();
    for (String key : c.settings.keys()) {
      if (key.startsWith(Settings.NAMESPACE_PREFIX)) {
        String rest = key.substring(Settings.NAMESPACE_PREFIX.length());
        names.add(rest.substring(0, rest.indexOf('.')));
      }
    }
    names.remove(DEFAULT_NAMESPACE);
    Map<String, Namespace> named = new LinkedHashMap<>();
    for (String name : names) {
      named.put(name, namespace(c, name));
    }
    return new NamespaceTable(defaults, named);
  }

  /** One namespace's options; an option it does not set comes from the default namespace. */
  private static Namespace namespace(ServerConfig c, String name) {
    return new Namespace(
        c.get(NamespaceKeys.HISTORY_SIZE, name),
        c.get(NamespaceKeys.HISTORY_TTL, name),
        c.get(NamespaceKeys.PRESENCE, name),
        c.get(NamespaceKeys.JOIN_LEAVE, name),
        c.get(NamespaceKeys.PUBLISH, name),
        c.get(NamespaceKeys.MAX_MESSAGE_SIZE, name));
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
}
