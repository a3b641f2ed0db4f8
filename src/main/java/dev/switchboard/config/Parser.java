package dev.switchboard.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the raw text of a configuration value into a {@code T}, and says what it accepts. The
 * factories cover this package's plain types (integers, sizes, durations, booleans, choices,
 * paths); an area whose type this package does not know passes its own function to {@link #of}.
 *
 * <p>A parser refuses a value by throwing {@link IllegalArgumentException}. {@link
 * ServerConfig#get} turns that into a {@link ConfigException} naming the key, the value, where it
 * came from and {@link #expected()}, followed by the exception's message in parentheses when it has
 * one (the factories' own refusals have none: what they accept says it all).
 *
 * @param <T> the parsed type
 */
public final class Parser<T> {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  private final String expected;
  private final Function<String, T> parse;

  private Parser(String expected, Function<String, T> parse) {
    this.expected = expected;
    this.parse = parse;
  }

  /**
   * A parser of another area's type.
   *
   * @param expected what is accepted, for error messages, like {@code "a Redis URI"}
   * @param parse throws {@link IllegalArgumentException} saying what is wrong with a value
   */
  public static <T> Parser<T> of(String expected, Function<String, T> parse) {
    return new Parser<>(expected, parse);
  }

  /** What a value must look like, for error messages and the documentation. */
  public String expected() {
    return expected;
  }

  /**
   * Parses a value, already trimmed.
   *
   * @throws IllegalArgumentException when the value is not one this parser accepts
   */
  public T parse(String raw) {
    return parse.apply(raw);
  }

  /** Any text, the empty text included. */
  public static Parser<String> string() {
    return new Parser<>("any text", s -> s);
  }

  /** Text that {@code ok} accepts, as it is. */
  public static Parser<String> matching(String expected, Predicate<String> ok) {
    return new Parser<>(
        expected,
        s -> {
          if (!ok.test(s)) {
            throw refused();
          }
          return s;
        });
  }

  /** An integer from {@code min} to {@code max}. */
  public static Parser<Integer> integer(int min, int max) {
    return new Parser<>(
        "an integer from " + min + " to " + max,
        s -> {
          int n;
          try {
            n = Integer.parseInt(s);
          } catch (NumberFormatException e) {
            throw refused();
          }
          if (n < min || n > max) {
            throw refused();
          }
          return n;
        });
  }

  /**
   * A size in bytes from {@code min} to {@code max}, with an optional unit (k, KiB, m, MiB, g, GiB:
   * all powers of 1024).
   */
  public static Parser<Long> size(long min, long max) {
    return new Parser<>(
        "a size from " + min + " to " + max + " bytes, like 65536, 64KiB or 16MiB",
        s -> {
          Matcher m = matched(SIZE, s);
          long n = number(m);
          String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
          long scale =
              switch (unit.charAt(0)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1;
              };
          if (n > max / scale || n * scale < min || n * scale > max) {
            throw refused();
          }
          return n * scale;
        });
  }

  /** {@code s} matched against {@code p}; refused when it does not match. */
  private static Matcher matched(Pattern p, String s) {
    Matcher m = p.matcher(s);
    if (!m.matches()) {
      throw refused();
    }
    return m;
  }

  /** The number in group 1 of a size or a duration; refused when it does not fit a long. */
  private static long number(Matcher m) {
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw refused();
    }
  }

  /** A size in bytes that fits an {@code int}, as {@link #size}. */
  public static Parser<Integer> intSize(int min, int max) {
    Parser<Long> size = size(min, max);
    return new Parser<>(size.expected, s -> Math.toIntExact(size.parse(s)));
  }

  /** A duration from {@code min} to {@code max}, like 500ms, 30s, 5m or 1h. */
  public static Parser<Duration> duration(Duration min, Duration max) {
    return new Parser<>(
        "a duration from " + min + " to " + max + ", like 500ms, 30s, 5m or 1h",
        s -> {
          Matcher m = matched(DURATION, s);
          long n = number(m);
          Duration d =
              switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              };
          if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw refused();
          }
          return d;
        });
  }

  /** {@code true} or {@code false}, nothing else. */
  public static Parser<Boolean> bool() {
    return new Parser<>(
        "true or false",
        s -> {
          if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
          }
          throw refused();
        });
  }

  /** One of {@code accepted}, spelled exactly. */
  public static Parser<String> oneOf(String... accepted) {
    return matching("one of " + String.join(", ", accepted), s -> Set.of(accepted).contains(s));
  }

  /** Empty for none, else the path of an existing regular file. */
  public static Parser<Optional<Path>> optionalFile() {
    return optionalPath("an existing file", Files::isRegularFile);
  }

  /** Empty for none, else the path of an existing directory. */
  public static Parser<Optional<Path>> optionalDirectory() {
    return optionalPath("an existing directory", Files::isDirectory);
  }

  private static Parser<Optional<Path>> optionalPath(String expected, Predicate<Path> exists) {
    return new Parser<>(
        expected,
        s -> {
          if (s.isEmpty()) {
            return Optional.empty();
          }
          Path p;
          try {
            p = Path.of(s);
          } catch (java.nio.file.InvalidPathException e) {
            throw refused();
          }
          if (!exists.test(p)) {
            throw refused();
          }
          return Optional.of(p);
        });
  }

  /** A refusal that adds nothing to what the parser accepts. */
  private static IllegalArgumentException refused() {
    return new IllegalArgumentException((String) null);
  }
}
