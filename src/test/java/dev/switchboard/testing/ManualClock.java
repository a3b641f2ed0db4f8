package dev.switchboard.testing;

import dev.switchboard.hub.HubClock;
import java.time.Duration;
import java.time.Instant;

/**
 * A clock that moves only when a test says so: the wall clock and the monotonic nanosecond reading
 * move together. Thread-safe.
 */
public final class ManualClock implements HubClock {
  /** The monotonic reading at the start: any value will do; not 0, which reads as "never". */
  private static final long START_NANOS = 1_000_000_000_000L;

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private volatile Instant now = START;
  private volatile long nanos = START_NANOS;

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  public synchronized void advance(Duration d) {
    now = now.plus(d);
    nanos += d.toNanos();
  }
}
