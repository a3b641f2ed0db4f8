package dev.switchboard.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * JSON string literals for text that may hold anything: quotes, control characters, lone
 * surrogates. Stateless and thread-safe.
 */
public final class JsonStrings {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

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

  /**
   * Appends {@code text} to {@code b} as a JSON string literal that reads back exactly: lone
   * surrogates are escaped as {@code \}{@code uXXXX}, not replaced, so the text stays valid UTF-16
   * for every WebSocket implementation's UTF-8 encoder while the server reads the same string. The
   * command encoder's writer.
   */
  static void appendExact(StringBuilder b, String text) {
    b.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            unicode(c, b);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1))) {
            b.append(c).append(text.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicode(c, b);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static void unicode(char c, StringBuilder b) {
    b.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
