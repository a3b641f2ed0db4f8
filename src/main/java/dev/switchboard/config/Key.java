package dev.switchboard.config;

import java.util.function.Function;

/**
 * A configuration key whose value is parsed into a type this package does not know: API keys,
 * origin patterns, a Redis key prefix. The area that owns the type (or the composition root)
 * declares the key with its parser, so {@code config} stays a leaf that imports no other area.
 * {@link ServerConfig#get} reads it.
 *
 * @param name the key, one of {@link ServerConfig#KEYS}
 * @param parser turns the raw value into a {@code T}; throws {@link IllegalArgumentException}
 *     saying what is wrong, which becomes a {@link ConfigException} naming the key, its value and
 *     where it came from
 * @param expected what the key accepts, for that message, like {@code "a Redis URI"}
 */
public record Key<T>(String name, Function<String, T> parser, String expected) {
  public Key {
    if (!ServerConfig.KEYS.contains(name)) {
      throw new IllegalArgumentException(name + " is not a documented configuration key");
    }
  }
}
