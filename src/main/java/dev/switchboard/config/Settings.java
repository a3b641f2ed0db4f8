package dev.switchboard.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Raw configuration values merged from all sources, each remembering where it came from so an error
 * can say which source to fix. Sources, later winning: bundled defaults, what a web application
 * packaged (its context parameters), configuration file, environment, system properties, flags.
 * Immutable.
 */
public final class Settings {
  /**
   * The bundled defaults: {@code server-config/switchboard.properties} on the classpath, in this
   * package's folder so an application's own {@code switchboard.properties} at its class path's
   * root (WEB-INF/classes comes before the library jar) cannot take its place.
   */
  public static final String DEFAULTS_RESOURCE = "/dev/switchboard/config/switchboard.properties";

  /** Prefix of system properties that set a key. */
  public static final String PROPERTY_PREFIX = "switchboard.";

  /** Prefix of environment variables that set a key. */
  public static final String ENV_PREFIX = "SWITCHBOARD_";

  private final Map<String, String> values;
  private final Map<String, String> sources;
  private final List<String> warnings;

  private Settings(Map<String, String> values, Map<String, String> sources, List<String> warnings) {
    this.values = Collections.unmodifiableMap(values);
    this.sources = Collections.unmodifiableMap(sources);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Merges every source.
   *
   * @param configFile a properties file, or null
   * @param env the environment (System.getenv() in production)
   * @param systemProperties system properties (System.getProperties() in production)
   * @param flags values given on the command line, by key
   * @throws ConfigException for an unknown key or an unreadable file
   */
  public static Settings load(
      @Nullable Path configFile,
      Map<String, String> env,
      Properties systemProperties,
      Map<String, String> flags) {
    return load(Packaged.NONE, configFile, env, systemProperties, flags);
  }

  /**
   * Values an application packaged with Switchboard, above the bundled defaults and below every
   * other source: the operator's file, environment and system properties override them.
   *
   * @param where names the source in error messages, the key following: {@code "context parameter
   *     switchboard."}
   * @param values by key
   */
  public record Packaged(String where, Map<String, String> values) {
    static final Packaged NONE = new Packaged("", Map.of());

    public Packaged {
      values = Map.copyOf(values);
    }
  }

  /**
   * Merges every source of a web application: the bundled defaults, {@code packaged} (its context
   * parameters), then the file, the environment and system properties as {@link #load(Path, Map,
   * Properties, Map)}; no flags.
   *
   * @throws ConfigException for an unknown key or an unreadable file
   */
  public static Settings load(
      Packaged packaged,
      @Nullable Path configFile,
      Map<String, String> env,
      Properties systemProperties) {
    return load(packaged, configFile, env, systemProperties, Map.of());
  }

  private static Settings load(
      Packaged packaged,
      @Nullable Path configFile,
      Map<String, String> env,
      Properties systemProperties,
      Map<String, String> flags) {
    Map<String, String> values = new LinkedHashMap<>(defaults());
    Map<String, String> sources = new LinkedHashMap<>();
    values.keySet().forEach(k -> sources.put(k, "default"));
    Set<String> known = Set.copyOf(values.keySet());

    for (Map.Entry<String, String> e : new java.util.TreeMap<>(packaged.values()).entrySet()) {
      put(values, sources, known, e.getKey(), e.getValue(), packaged.where() + e.getKey());
    }

    if (configFile != null) {
      Properties file = read(configFile);
      for (String key : file.stringPropertyNames()) {
        put(values, sources, known, key, file.getProperty(key), "file " + configFile);
      }
    }
    Set<String> usedEnv = new HashSet<>();
    for (String key : known) {
      String name = envName(key);
      if (env.containsKey(name)) {
        put(values, sources, known, key, env.get(name), "environment variable " + name);
        usedEnv.add(name);
      }
    }
    for (Map.Entry<String, String> e : EnvKeys.find(env, known).entrySet()) {
      put(
          values,
          sources,
          known,
          e.getKey(),
          Objects.requireNonNull(env.get(e.getValue()), "EnvKeys finds names in env"),
          "environment variable " + e.getValue());
      usedEnv.add(e.getValue());
    }
    String rolePrefix = envName(AuthKeys.ROLE_PREFIX);
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (name.startsWith(rolePrefix) && name.length() > rolePrefix.length()) {
        String role = name.substring(rolePrefix.length()).toLowerCase(Locale.ROOT);
        put(
            values,
            sources,
            known,
            AuthKeys.ROLE_PREFIX + role,
            e.getValue(),
            "environment variable " + name);
        usedEnv.add(name);
      }
    }
    List<String> warnings = UnknownVariables.warnings(env.keySet(), known, usedEnv);
    for (String name : systemProperties.stringPropertyNames()) {
      if (name.startsWith(PROPERTY_PREFIX) && !name.equals("switchboard.config")) {
        String key = name.substring(PROPERTY_PREFIX.length());
        put(
            values,
            sources,
            known,
            key,
            systemProperties.getProperty(name),
            "system property " + name);
      }
    }
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      put(values, sources, known, flag.getKey(), flag.getValue(), "command-line flag");
    }
    return new Settings(values, sources, warnings);
  }

  /** Only the bundled defaults, for tests and tools. */
  public static Settings defaultsOnly() {
    return load(null, Map.of(), new Properties(), Map.of());
  }

  /** A copy with {@code overrides} applied as flags; for tests and embedding. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(values);
    Map<String, String> s = new LinkedHashMap<>(sources);
    Set<String> known = defaults().keySet();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      put(v, s, known, e.getKey(), e.getValue(), "override");
    }
    return new Settings(v, s, warnings);
  }

  /**
   * What start-up should tell the operator without refusing to start: one line per {@code
   * SWITCHBOARD_*} environment variable that sets no key, naming the closest one that does. The
   * caller prints them once; loading has no side effects so tests and tools stay quiet.
   */
  public List<String> warnings() {
    return warnings;
  }

  /** {@code server.port} becomes {@code SWITCHBOARD_SERVER_PORT}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** Whether {@code key} has a value (from any source). */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The raw value of {@code key}, trimmed; empty when unset. */
  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no such configuration key: " + key);
    }
    return v.trim();
  }

  /** Where the value of {@code key} came from, for error messages. */
  public String source(String key) {
    return sources.getOrDefault(key, "default");
  }

  /** Every known key. */
  public Set<String> keys() {
    return values.keySet();
  }

  /** Prefix of namespace keys: {@code namespace.<name>.<option>}. */
  public static final String NAMESPACE_PREFIX = "namespace.";

  /** Names of namespaces that may be configured: no dots, so the key splits unambiguously. */
  private static final java.util.regex.Pattern NAMESPACE_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");

  /** Names of container roles that may be given permissions ({@code auth.role.<role>}). */
  private static final java.util.regex.Pattern ROLE_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+");

  /**
   * Whether {@code key} may be set: a key of the defaults file, an option of the default namespace
   * under another namespace's name, a role's grants, or a Kafka or JMS bridge's option.
   */
  static boolean isKnown(Set<String> known, String key) {
    if (known.contains(key)) {
      return true;
    }
    if (BridgeKeys.isJmsKey(key)) {
      return true;
    }
    if (key.startsWith(AuthKeys.ROLE_PREFIX)) {
      return ROLE_NAME.matcher(key.substring(AuthKeys.ROLE_PREFIX.length())).matches();
    }
    if (key.startsWith(KafkaKeys.PREFIX)) {
      String rest = key.substring(KafkaKeys.PREFIX.length());
      int dot = rest.indexOf('.');
      return dot > 0
          && NAMESPACE_NAME.matcher(rest.substring(0, dot)).matches()
          && KafkaKeys.isOption(rest.substring(dot + 1));
    }
    if (!key.startsWith(NAMESPACE_PREFIX)) {
      return false;
    }
    String rest = key.substring(NAMESPACE_PREFIX.length());
    int dot = rest.indexOf('.');
    return dot > 0
        && NAMESPACE_NAME.matcher(rest.substring(0, dot)).matches()
        && known.contains(NAMESPACE_PREFIX + "default" + rest.substring(dot));
  }

  private static void put(
      Map<String, String> values,
      Map<String, String> sources,
      Set<String> known,
      String key,
      String value,
      String source) {
    if (!isKnown(known, key)) {
      throw new ConfigException(
          "unknown configuration key '"
              + key
              + "' (from "
              + source
              + "); see server-config/switchboard.properties");
    }
    values.put(key, value);
    sources.put(key, source);
  }

  private static Map<String, String> defaults() {
    try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULTS_RESOURCE + " on the classpath");
      }
      Properties p = new Properties();
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      Map<String, String> m = new LinkedHashMap<>();
      p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k)));
      return m;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
    }
  }

  private static Properties read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    return p;
  }
}
