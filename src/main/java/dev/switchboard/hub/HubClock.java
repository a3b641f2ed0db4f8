package dev.switchboard.hub;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The hub's two readings of time: a monotonic one in nanoseconds for intervals (liveness, rate
 * limits, sends in flight, the authentication deadline) and the wall clock for token expiry.
 * Production uses {@link #system()}; tests pass a manual clock so every deadline is a step they
 * take, not a wait.
 *
 * <p>Implementations are thread-safe: connections read it on their reader threads, the sweep on its
 * own.
 */
public interface HubClock extends InstantSource {

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime}: only differences mean. */
  long nanoTime();

  /** {@link System#nanoTime} and {@link Instant#now}. */
  static HubClock system() {
    return SystemClock.INSTANCE;
  }

  /** The system's clock. */
  enum SystemClock implements HubClock {
    INSTANCE;

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Instant instant() {
      return Instant.now();
    }
  }
}
