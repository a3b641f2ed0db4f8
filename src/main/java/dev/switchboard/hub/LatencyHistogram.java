package dev.switchboard.hub;

import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of durations with fixed bucket bounds, recorded without locks: one {@link LongAdder}
 * per bucket and one for the sum, so threads that record at once do not contend on one cache line.
 * Read at scrape time by the metrics; a reader may see a record's bucket before its sum (the two
 * are separate adders), never a torn count. Thread-safe; recording never blocks or allocates.
 */
public final class LatencyHistogram {
  /**
   * Upper bounds in seconds, finite ones only (an implicit +Inf bucket follows). From half a
   * millisecond (a fan-out round on an idle node) to 5 s (beyond it, the figure is "broken", not a
   * latency); roughly 1-2.5-5 steps so quantile estimates stay within a factor of about 2.5. Fixed
   * and few, so each histogram is 15 series however much it records.
   */
  static final double[] BOUNDS_SECONDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

  static {
    for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
      BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
    }
  }

  /** Counts per bucket, not cumulative; the last one is the +Inf bucket. */
  private final LongAdder[] buckets = new LongAdder[BOUNDS_SECONDS.length + 1];

  private final LongAdder sumNanos = new LongAdder();

  public LatencyHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** Records one duration; a negative one (a clock that went back) counts as 0. */
  public void record(long nanos) {
    long n = Math.max(0, nanos);
    int i = 0;
    while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(n);
  }

  /** The finite upper bounds in seconds, in ascending order (a copy). */
  public static double[] boundsSeconds() {
    return BOUNDS_SECONDS.clone();
  }

  /** Counts per bucket, not cumulative, one more than {@link #boundsSeconds} (the last is +Inf). */
  public long[] counts() {
    long[] out = new long[buckets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = buckets[i].sum();
    }
    return out;
  }

  /** The sum of everything recorded, in seconds. */
  public double sumSeconds() {
    return sumNanos.sum() / 1e9;
  }

  /** How many durations were recorded. */
  public long count() {
    long total = 0;
    for (LongAdder b : buckets) {
      total += b.sum();
    }
    return total;
  }
}
