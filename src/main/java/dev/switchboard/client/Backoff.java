package dev.switchboard.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Reconnect delays: exponential backoff with full jitter. The n-th delay since the last successful
 * connect is random in [0, min(max, initial * 2^(n-1))], so clients that lost the same server do
 * not all come back at once; after a service restart (1012) the delay is a short {@link #restart}
 * jitter instead. Confined to the client's state thread.
 */
final class Backoff {
  /**
   * 2^20 times the initial delay exceeds any sensible maximum; the cap keeps the shift in range.
   */
  private static final int MAX_DOUBLINGS = 20;

  private final long initialMillis;
  private final long maxMillis;
  private final LongUnaryOperator random;
  private int attempt;

  /**
   * @param random given a bound, returns a value in [0, bound]; tests pass a fixed one
   */
  Backoff(Duration initial, Duration max, LongUnaryOperator random) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** Jittered by {@link ThreadLocalRandom}. */
  static Backoff jittered(Duration initial, Duration max) {
    return new Backoff(initial, max, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** Counts one more attempt and returns the delay before it. */
  Duration next() {
    attempt++;
    long cap = Math.min(maxMillis, initialMillis << Math.min(MAX_DOUBLINGS, attempt - 1));
    return Duration.ofMillis(random.applyAsLong(cap));
  }

  /**
   * Counts one more attempt after a close with 1012 (service restart) and returns its delay: random
   * in [0, {@code jitter}], not the backoff. A failed attempt after it continues with the backoff's
   * second step.
   */
  Duration restart(Duration jitter) {
    attempt++;
    return Duration.ofMillis(random.applyAsLong(jitter.toMillis()));
  }

  /** The number of the attempt {@link #next()} last returned the delay of (from 1), or 0. */
  int attempt() {
    return attempt;
  }

  /** A connection succeeded: the next delay starts from the initial one again. */
  void reset() {
    attempt = 0;
  }
}
