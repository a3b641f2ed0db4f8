package dev.switchboard.protocol;

/**
 * Writes JSON string literals for the command encoder. Small on purpose: the characters JSON
 * requires escaped, plus lone surrogates, escaped as {@code \}{@code uXXXX} so that the text stays
 * valid UTF-16 for every WebSocket implementation's UTF-8 encoder while the server still reads the
 * same string back.
 */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code text} to {@code b} as a quoted JSON string. */
  static void quote(String text, StringBuilder b) {
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
