package dev.switchboard.bench;

import java.nio.ByteBuffer;

/**
 * The marker every benchmark message carries, so any server's envelope can wrap it: {@code
 * #<publisher>:<sequence>:<send time ns>#} padded with {@code x} to the payload size. Parsed in
 * place, without allocating.
 */
final class Marker {
  /** Parsed fields of the last {@link #parse}; reused by one reactor thread. */
  int publisher;

  long sequence;
  long sentNanos;

  /** The number read by the last {@link #number} call. */
  private long value;

  /** Words of the varied padding: field names and values of a typical JSON feed. */
  private static final String[] WORDS = {
    "id", "user", "price", "qty", "status", "open", "filled", "symbol", "ts", "region", "eu-west",
    "us-east", "side", "buy", "sell", "venue", "book", "level", "bid", "ask"
  };

  static String payload(int publisher, long sequence, long sentNanos, int size) {
    return payload(publisher, sequence, sentNanos, size, false);
  }

  /**
   * @param varied pad with words and numbers that vary per message (compresses about as well as
   *     real JSON) instead of {@code x} (which compresses to almost nothing): for compression runs
   */
  static String payload(int publisher, long sequence, long sentNanos, int size, boolean varied) {
    StringBuilder b = new StringBuilder(Math.max(size, 40));
    b.append('#')
        .append(publisher)
        .append(':')
        .append(sequence)
        .append(':')
        .append(sentNanos)
        .append('#');
    long r = sequence * 6364136223846793005L + publisher;
    while (varied && b.length() < size) {
      r = r * 6364136223846793005L + 1442695040888963407L;
      b.append(WORDS[(int) ((r >>> 33) % WORDS.length)]).append('=');
      b.append((r >>> 40) % 100_000).append(' ');
    }
    b.setLength(Math.min(b.length(), Math.max(size, b.indexOf("#", 1) + 1)));
    while (b.length() < size) {
      b.append('x');
    }
    return b.toString();
  }

  /** Finds and parses a marker in {@code p}; false when there is none. */
  boolean parse(ByteBuffer p) {
    int i = p.position();
    int end = p.limit();
    while (i < end && p.get(i) != '#') {
      i++;
    }
    if (i >= end) {
      return false;
    }
    i++;
    int next = number(p, i, end, ':');
    if (next < 0) {
      return false;
    }
    publisher = (int) value;
    next = number(p, next, end, ':');
    if (next < 0) {
      return false;
    }
    sequence = value;
    next = number(p, next, end, '#');
    if (next < 0) {
      return false;
    }
    sentNanos = value;
    return true;
  }

  private int number(ByteBuffer p, int i, int end, char stop) {
    long v = 0;
    boolean negative = i < end && p.get(i) == '-';
    if (negative) {
      i++;
    }
    int digits = 0;
    while (i < end) {
      byte c = p.get(i);
      if (c == stop) {
        value = negative ? -v : v;
        return digits > 0 ? i + 1 : -1;
      }
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
      digits++;
      i++;
    }
    return -1;
  }
}
