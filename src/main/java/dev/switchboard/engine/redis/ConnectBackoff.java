package dev.switchboard.engine.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The waits between attempts to reach Redis: exponential with jitter. The n-th wait is random in
 * [cap/2, cap] where cap = min(max, {@link #INITIAL} * 2^(n-1)): nodes that lost the same Redis do
 * not all knock at once when it comes back, and no wait is close to zero (a refused connection
 * fails at once, so a zero wait would spin). Confined to one thread.
 */
final class ConnectBackoff {
  /** The first wait's cap: a Redis that starts a moment after the node is found at once. */
  static final Duration INITIAL = Duration.ofMillis(100);

  /** 2^20 times the initial wait exceeds any allowed maximum; the cap keeps the shift in range. */
  private static final int MAX_DOUBLINGS = 20;

  private final long maxMillis;
  private final LongUnaryOperator random;
  private int attempt;

  /**
   * @param max the longest wait, at least {@link #INITIAL}
   * @param random given a bound, returns a value in [0, bound]; tests pass a fixed one
   */
  ConnectBackoff(Duration max, LongUnaryOperator random) {
    this.maxMillis = Math.max(INITIAL.toMillis(), max.toMillis());
    this.random = random;
  }

  /** Jittered by {@link ThreadLocalRandom}. */
  static ConnectBackoff jittered(Duration max) {
    return new ConnectBackoff(max, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** Counts one more attempt and returns the wait before it. */
  Duration next() {
    attempt++;
    long cap = Math.min(maxMillis, INITIAL.toMillis() << Math.min(MAX_DOUBLINGS, attempt - 1));
    long half = cap / 2;
    return Duration.ofMillis(cap - half + random.applyAsLong(half));
  }

  /** How many waits {@link #next()} returned. */
  int attempts() {
    return attempt;
  }
}
