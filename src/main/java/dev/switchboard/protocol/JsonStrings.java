package dev.switchboard.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * JSON string literals for text that may hold anything: quotes, control characters, lone
 * surrogates. Stateless and thread-safe.
 */
public final class JsonStrings {
  private JsonStrings() {}

  /** Quotes {@code text} as a JSON string literal. */
  public static String quote(String text) {
    return appendQuoted(new StringBuilder(text.length() + 2), text).toString();
  }

  /** Appends {@code text} to {@code b} as a JSON string literal; returns {@code b}. */
  public static StringBuilder appendQuoted(StringBuilder b, String text) {
    b.append('"');
    JsonStringEncoder.getInstance().quoteAsString(sanitize(text), b);
    return b.append('"');
  }

  /**
   * {@code text} with every lone surrogate replaced by U+FFFD: a string from a client (an unknown
   * op, say) may hold one, and some containers' UTF-8 encoders fail the whole send on it.
   */
  static String sanitize(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
        if (!paired) {
          return replaceLoneSurrogates(text);
        }
        i++;
      }
    }
    return text;
  }

  private static String replaceLoneSurrogates(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        b.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
