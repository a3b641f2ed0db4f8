package dev.switchboard.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for configuration values; each failure names the key, the value and what is accepted. */
final class Values {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  private final Settings settings;

  Values(Settings settings) {
    this.settings = settings;
  }

  String string(String key) {
    return settings.get(key);
  }

  int integer(String key, int min, int max) {
    String v = settings.get(key);
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, "an integer from " + min + " to " + max);
  }

  /** A size in bytes, with an optional unit (k, KiB, m, MiB, g, GiB: all powers of 1024). */
  long bytes(String key, long min, long max) {
    String v = settings.get(key);
    Matcher m = SIZE.matcher(v);
    String accepted = "a size from " + min + " to " + max + " bytes, like 65536, 64KiB or 16MiB";
    if (!m.matches()) {
      throw invalid(key, accepted);
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw invalid(key, accepted);
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long scale =
        switch (unit.charAt(0)) {
          case 'k' -> 1L << 10;
          case 'm' -> 1L << 20;
          case 'g' -> 1L << 30;
          default -> 1;
        };
    if (n > max / scale || n * scale < min || n * scale > max) {
      throw invalid(key, accepted);
    }
    return n * scale;
  }

  Duration duration(String key, Duration min, Duration max) {
    String v = settings.get(key);
    Matcher m = DURATION.matcher(v);
    String accepted = "a duration from " + min + " to " + max + ", like 500ms, 30s, 5m or 1h";
    if (!m.matches()) {
      throw invalid(key, accepted);
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw invalid(key, accepted);
    }
    return d;
  }

  boolean bool(String key) {
    String v = settings.get(key);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw invalid(key, "true or false");
  }

  String oneOf(String key, String... accepted) {
    String v = settings.get(key);
    for (String a : accepted) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw invalid(key, "one of " + String.join(", ", accepted));
  }

  /** Parses {@code key} with the parser of the area that owns its type. */
  <T> T parsed(Key<T> key) {
    try {
      return key.parser().apply(settings.get(key.name()));
    } catch (IllegalArgumentException e) {
      throw invalid(key.name(), key.expected() + " (" + e.getMessage() + ")");
    }
  }

  ConfigException invalid(String key, String accepted) {
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
