package dev.switchboard.bench;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * Notices when the server under test rate-limits the load generator. A server started with its
 * default per-connection limit (200 messages/s) refuses almost every publication with error 114 and
 * then closes with 4002, and the run reports zero deliveries and thousands lost; without a word on
 * why, that reads as a broken server. Called from reactor threads; counts only.
 */
final class RateLimitWatch {
  /**
   * How the hub writes error 114 in a reply; matched as bytes so that watching allocates nothing.
   */
  private static final byte[] RATE_LIMITED_ERROR =
      ("{\"code\":" + ErrorCode.RATE_LIMITED.code() + ",").getBytes(StandardCharsets.US_ASCII);

  private final LongAdder refused = new LongAdder();
  private final LongAdder closed = new LongAdder();

  /** A message that was not benchmark traffic: counts it when it is a rate-limit refusal. */
  void message(ByteBuffer payload) {
    if (contains(payload, RATE_LIMITED_ERROR)) {
      refused.increment();
    }
  }

  void close(int code) {
    if (code == CloseCode.RATE_LIMITED.code()) {
      closed.increment();
    }
  }

  /** Prints one line naming the cause and the fix when the server rate-limited this run. */
  void report(PrintStream err) {
    long r = refused.sum();
    long c = closed.sum();
    if (r == 0 && c == 0) {
      return;
    }
    err.printf(
        "bench: the server rate-limited this run (%,d messages refused with error %d, %,d"
            + " connections closed with %d), so the numbers below measure its limit, not its speed:"
            + " start it with SWITCHBOARD_WS_RATE_MESSAGES=0 SWITCHBOARD_WS_RATE_BYTES=0 (README,"
            + " Performance)%n",
        r, ErrorCode.RATE_LIMITED.code(), c, CloseCode.RATE_LIMITED.code());
    err.flush();
  }

  private static boolean contains(ByteBuffer haystack, byte[] needle) {
    int from = haystack.position();
    int last = haystack.limit() - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack.get(i + j) != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
