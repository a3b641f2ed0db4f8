package dev.switchboard.server;

/** Message size checks in UTF-8 bytes, without encoding the message. */
final class MessageSize {
  private MessageSize() {}

  /** Whether {@code text} encodes to more than {@code max} bytes of UTF-8. */
  static boolean exceeds(String text, int max) {
    int chars = text.length();
    if (chars > max) {
      return true; // every char is at least one byte
    }
    if ((long) chars * 3 <= max) {
      return false; // every char is at most three bytes (a surrogate pair is four for two chars)
    }
    long bytes = 0;
    for (int i = 0; i < chars; i++) {
      char ch = text.charAt(i);
      if (ch < 0x80) {
        bytes += 1;
      } else if (ch < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(ch)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
      if (bytes > max) {
        return true;
      }
    }
    return false;
  }
}
