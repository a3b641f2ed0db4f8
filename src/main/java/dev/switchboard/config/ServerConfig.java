package dev.switchboard.config;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The validated configuration of a server: the merged {@link Settings}, read key by key with {@link
 * #get}. Built by {@link #from}, which parses every key of {@link Keys#TABLE} and every configured
 * namespace's options, and fails with a {@link ConfigException} naming the first bad key. Each area
 * builds its own options from the keys it needs; a key whose value is another area's type is
 * declared there and checked when that area reads it. Immutable.
 */
public final class ServerConfig {
  /** The name of the namespace whose options the others fall back to. */
  public static final String DEFAULT_NAMESPACE = "default";

  private static final String DEFAULT_OPTIONS = Settings.NAMESPACE_PREFIX + DEFAULT_NAMESPACE + ".";

  private final Settings settings;

  private ServerConfig(Settings settings) {
    this.settings = settings;
  }

  /**
   * Validates {@code settings} into a configuration.
   *
   * @throws ConfigException naming the first key whose value is invalid
   */
  public static ServerConfig from(Settings settings) {
    ServerConfig c = new ServerConfig(settings);
    for (Key<?> key : Keys.TABLE.keys()) {
      c.get(key);
    }
    for (String namespace : c.namespaces()) {
      for (Key<?> option : NamespaceKeys.OPTIONS) {
        c.get(option, namespace);
      }
    }
    int maxMessage = c.get(WsKeys.MAX_MESSAGE_SIZE);
    if (c.get(WsKeys.OUTBOX_MAX_BYTES) < maxMessage) {
      throw c.invalid(
          WsKeys.OUTBOX_MAX_BYTES.name(),
          "at least ws.max-message-size (" + maxMessage + " bytes)");
    }
    // Required authentication needs a way to authenticate: token keys, or (in a WAR) the
    // container's users; the standalone server, which has none, checks for keys itself.
    if (c.get(AuthKeys.REQUIRED) && !c.verifiesTokens() && !c.get(AuthKeys.CONTAINER)) {
      throw c.invalid(
          AuthKeys.REQUIRED.name(),
          "false, or true together with auth.hmac-secret, auth.keys-file or auth.container=true");
    }
    return c;
  }

  /** Whether tokens can be verified: {@code auth.hmac-secret} or {@code auth.keys-file} is set. */
  public boolean verifiesTokens() {
    return !get(AuthKeys.HMAC_SECRET).isEmpty() || get(AuthKeys.KEYS_FILE).isPresent();
  }

  /** Defaults with {@code overrides}; for tests and embedding. */
  public static ServerConfig defaults(Map<String, String> overrides) {
    return from(Settings.defaultsOnly().with(overrides));
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
    if (!option.name().startsWith(DEFAULT_OPTIONS)) {
      throw new IllegalArgumentException(option.name() + " is not a namespace option");
    }
    String own =
        Settings.NAMESPACE_PREFIX
            + namespace
            + "."
            + option.name().substring(DEFAULT_OPTIONS.length());
    return parse(option, settings.has(own) ? own : option.name());
  }

  /**
   * The namespaces configured by name ({@code namespace.<name>.<option>}), in name order, without
   * the default namespace; an option one leaves out is the default namespace's.
   */
  public Set<String> namespaces() {
    Set<String> names = new TreeSet<>();
    for (String key : settings.keys()) {
      if (key.startsWith(Settings.NAMESPACE_PREFIX)) {
        String rest = key.substring(Settings.NAMESPACE_PREFIX.length());
        names.add(rest.substring(0, rest.indexOf('.')));
      }
    }
    names.remove(DEFAULT_NAMESPACE);
    return Collections.unmodifiableSet(names);
  }

  /**
   * The roles given permissions ({@code auth.role.<role>}), in name order, each value read by
   * {@code parser}.
   *
   * @throws ConfigException naming the first role key whose value {@code parser} refuses
   */
  public <T> Map<String, T> roles(Parser<T> parser) {
    Map<String, T> roles = new TreeMap<>();
    for (String key : settings.keys()) {
      if (key.startsWith(AuthKeys.ROLE_PREFIX)) {
        roles.put(key.substring(AuthKeys.ROLE_PREFIX.length()), parse(parser, key));
      }
    }
    return Collections.unmodifiableMap(roles);
  }

  /**
   * The JMS bridges configured ({@code bridge.jms.<name>.<option>}), by name in name order, each
   * with its options' raw values by option name (see {@link BridgeKeys#JMS_OPTIONS}).
   */
  public Map<String, Map<String, String>> jmsBridges() {
    Map<String, Map<String, String>> bridges = new TreeMap<>();
    for (String key : settings.keys()) {
      if (key.startsWith(BridgeKeys.JMS_PREFIX)) {
        String rest = key.substring(BridgeKeys.JMS_PREFIX.length());
        int dot = rest.indexOf('.');
        bridges
            .computeIfAbsent(rest.substring(0, dot), n -> new TreeMap<>())
            .put(rest.substring(dot + 1), settings.get(key));
      }
    }
    return Collections.unmodifiableMap(bridges);
  }

  /**
   * The Kafka bridges configured ({@code bridge.kafka.<name>.<option>}), in name order: each
   * bridge's options by name, every option of {@link KafkaKeys#OPTIONS} present (its default when
   * not set), values trimmed. The bridge checks the values.
   */
  public Map<String, Map<String, String>> kafkaBridges() {
    Map<String, Map<String, String>> bridges = new TreeMap<>();
    for (String key : settings.keys()) {
      if (key.startsWith(KafkaKeys.PREFIX)) {
        String rest = key.substring(KafkaKeys.PREFIX.length());
        String name = rest.substring(0, rest.indexOf('.'));
        bridges.computeIfAbsent(
            name,
            n -> {
              Map<String, String> options = new TreeMap<>();
              for (KafkaKeys.Option o : KafkaKeys.OPTIONS) {
                String own = KafkaKeys.PREFIX + n + "." + o.name();
                options.put(o.name(), settings.has(own) ? settings.get(own) : o.defaultValue());
              }
              return Collections.unmodifiableMap(options);
            });
      }
    }
    return Collections.unmodifiableMap(bridges);
  }

  /** The raw values this was read from. */
  public Settings settings() {
    return settings;
  }

  private <T> T parse(Key<T> key, String name) {
    return parse(key.parser(), name);
  }

  private <T> T parse(Parser<T> parser, String name) {
    String raw = settings.get(name); // a key no source knows is a programming error: not caught
    try {
      return parser.parse(raw);
    } catch (IllegalArgumentException e) {
      String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
      throw invalid(name, parser.expected() + detail);
    }
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
}
