package dev.switchboard.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configuration key: its name, its default, how its value is parsed and what it means. Every
 * key is declared once as a {@code Key} and listed in a {@link KeyTable}, from which the documented
 * defaults file ({@code server-config/switchboard.properties}) is produced. {@link
 * ServerConfig#get} reads a key's value.
 *
 * <p>Keys whose value is a plain type are declared in this package ({@link Keys#TABLE}). A key
 * whose value is another area's type (API keys, origin patterns, the Redis key prefix) is declared
 * by the composition root with that area's parser, so {@code config} stays a leaf that imports no
 * other area.
 *
 * @param name the key, like {@code ws.send-timeout}
 * @param defaultValue the value when no source sets one; the parser accepts it
 * @param parser turns a value into a {@code T}; a value it refuses becomes a {@link
 *     ConfigException} naming the key, its value and where it came from
 * @param doc what the key means, one sentence or a short paragraph, for the documentation
 */
public record Key<T>(String name, String defaultValue, Parser<T> parser, String doc) {
  /** Letters, digits, dots, dashes and underscores: a name that is the same in every source. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  public Key {
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(parser, "parser");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a configuration key name");
    }
    if (doc.isBlank()) {
      throw new IllegalArgumentException(name + " has no documentation");
    }
    try {
      parser.parse(defaultValue);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the default '" + defaultValue + "' of " + name + " is not " + parser.expected(), e);
    }
  }

  /**
   * The same option of namespace {@code namespace}, with the value the bundled file gives it. Only
   * for an option of the default namespace ({@code namespace.default.<option>}).
   */
  public Key<T> inNamespace(String namespace, String value, String doc) {
    String defaults = Settings.NAMESPACE_PREFIX + ServerConfig.DEFAULT_NAMESPACE + ".";
    if (!name.startsWith(defaults)) {
      throw new IllegalArgumentException(name + " is not an option of the default namespace");
    }
    return new Key<>(
        Settings.NAMESPACE_PREFIX + namespace + "." + name.substring(defaults.length()),
        value,
        parser,
        doc);
  }
}
