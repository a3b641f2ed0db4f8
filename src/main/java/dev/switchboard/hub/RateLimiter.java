package dev.switchboard.hub;

import org.jspecify.annotations.Nullable;

/**
 * Token buckets for one connection's messages and bytes per second, with bursts up to twice the
 * rate. Confined to the connection's reader thread.
 */
final class RateLimiter {
  /** A connection refused in this many consecutive seconds is flooding and gets closed. */
  static final int STRIKES_TO_CLOSE = 3;

  private final double messagesPerNano;
  private final double bytesPerNano;
  private final double messageBurst;
  private final double byteBurst;
  private double messages;
  private double bytes;
  private long last;

  /** The second (clock nanos / 1e9) of the last refusal, and how many seconds in a row had one. */
  private long refusedSecond = Long.MIN_VALUE;

  private int strikes;

  RateLimiter(int messagesPerSecond, long bytesPerSecond, long nowNanos) {
    this.messagesPerNano = messagesPerSecond / 1e9;
    this.bytesPerNano = bytesPerSecond / 1e9;
    this.messageBurst = 2.0 * messagesPerSecond;
    this.byteBurst = 2.0 * bytesPerSecond;
    this.messages = messageBurst;
    this.bytes = byteBurst;
    this.last = nowNanos;
  }

  /** The limiter {@code policy} asks for, or null when it sets no rate. */
  static @Nullable RateLimiter of(ConnectionPolicy policy, long nowNanos) {
    return policy.rateMessages() > 0 || policy.rateBytes() > 0
        ? new RateLimiter(policy.rateMessages(), policy.rateBytes(), nowNanos)
        : null;
  }

  /**
   * A message of {@code size} arrived on a connection: records it as activity on {@code liveness}
   * and judges it against {@code rate} (null: no limit, always allowed). What a refusal means is
   * the connection's to decide; one shared judgement for the hub and /echo.
   */
  static Verdict admit(@Nullable RateLimiter rate, Liveness liveness, int size, long nowNanos) {
    liveness.received(nowNanos);
    return rate == null ? Verdict.ALLOWED : rate.onMessage(size, nowNanos);
  }

  /** Outcome of one message. */
  enum Verdict {
    ALLOWED,
    REFUSED,
    /** Refused, and refusals have gone on long enough to close the connection. */
    FLOODING
  }

  Verdict onMessage(int size, long nowNanos) {
    long elapsed = Math.max(0, nowNanos - last);
    last = nowNanos;
    if (messagesPerNano > 0) {
      messages = Math.min(messageBurst, messages + elapsed * messagesPerNano);
    }
    if (bytesPerNano > 0) {
      bytes = Math.min(byteBurst, bytes + elapsed * bytesPerNano);
    }
    boolean messageOk = messagesPerNano == 0 || messages >= 1;
    boolean byteOk = bytesPerNano == 0 || bytes >= size || (bytes >= byteBurst && size > byteBurst);
    if (messageOk && byteOk) {
      if (messagesPerNano > 0) {
        messages -= 1;
      }
      if (bytesPerNano > 0) {
        bytes -= Math.min(bytes, size);
      }
      return Verdict.ALLOWED;
    }
    long second = nowNanos / 1_000_000_000L;
    if (second == refusedSecond + 1) {
      strikes++;
    } else if (second != refusedSecond) {
      strikes = 1;
    }
    refusedSecond = second;
    return strikes >= STRIKES_TO_CLOSE ? Verdict.FLOODING : Verdict.REFUSED;
  }
}
