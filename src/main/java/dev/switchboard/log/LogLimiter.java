package dev.switchboard.log;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Logs repeated messages of the same kind at most {@code limit} times per {@code interval}, so that
 * a failure that repeats under load or attack (a broken hook, a flapping Redis link, garbage on a
 * Redis channel) does not flood the log. A kind is a key the caller chooses: a fixed string per
 * place in the code, never a value a client controls.
 *
 * <p>Within an interval, counted from the first message of a kind, the first {@code limit} messages
 * are written and the rest only counted. The next message of that kind after the interval first
 * writes one line "suppressed K similar messages in the last T: key", then itself. The count is
 * therefore reported late, with the next message of its kind; a kind that stops repeating keeps its
 * last count until then, or until {@link #flush()}.
 *
 * <p>Thread-safe: the counts are guarded by this object; the writing happens outside the lock. A
 * message that is suppressed is never built (callers pass a {@link Supplier}).
 */
public final class LogLimiter {
  /**
   * Kinds tracked at once. The keys are fixed strings in the code, a few dozen at most; the bound
   * only keeps a caller that builds keys from data from growing the map without end. Over it, the
   * kinds whose interval has passed are forgotten; if none has, new kinds share one count.
   */
  static final int MAX_KINDS = 256;

  /** The shared kind when {@link #MAX_KINDS} are tracked and none can be forgotten. */
  static final String OTHER = "other messages";

  /** Default for warnings: enough to see a pattern, few enough to read the log around them. */
  public static final int DEFAULT_LIMIT = 5;

  /** Default for warnings: one minute, the resolution at which an operator reads a log. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private final System.Logger log;
  private final int limit;
  private final long intervalNanos;
  private final LongSupplier nanoTime;

  /** The window of each kind; guarded by this. */
  private final Map<String, Window> windows = new HashMap<>();

  /** One kind's current interval. */
  private static final class Window {
    long startNanos;
    int written;
    long suppressed;

    Window(long startNanos) {
      this.startNanos = startNanos;
    }
  }

  /**
   * @param log where the messages go
   * @param limit messages of one kind written per interval, at least 1
   * @param interval the interval, positive
   * @param nanoTime the monotonic clock ({@code System::nanoTime}, or a test's)
   */
  public LogLimiter(System.Logger log, int limit, Duration interval, LongSupplier nanoTime) {
    if (limit < 1 || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("limit " + limit + ", interval " + interval);
    }
    this.log = log;
    this.limit = limit;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** {@link #DEFAULT_LIMIT} per {@link #DEFAULT_INTERVAL} on the system clock. */
  public static LogLimiter of(System.Logger log) {
    return new LogLimiter(log, DEFAULT_LIMIT, DEFAULT_INTERVAL, System::nanoTime);
  }

  /** A warning of kind {@code key}. */
  public void warn(String key, String message) {
    log(Level.WARNING, key, () -> message, null);
  }

  /** A warning of kind {@code key} with its cause. */
  public void warn(String key, String message, @Nullable Throwable failure) {
    log(Level.WARNING, key, () -> message, failure);
  }

  /**
   * Writes {@code message} at {@code level} unless the kind {@code key} is over its limit in the
   * current interval. Nothing is counted when the logger does not write {@code level}.
   */
  public void log(Level level, String key, Supplier<String> message, @Nullable Throwable failure) {
    if (!log.isLoggable(level)) {
      return;
    }
    long now = nanoTime.getAsLong();
    long suppressed;
    long overNanos;
    synchronized (this) {
      Window w = window(key, now);
      suppressed = 0;
      overNanos = now - w.startNanos;
      if (overNanos >= intervalNanos) {
        suppressed = w.suppressed;
        w.startNanos = now;
        w.written = 0;
        w.suppressed = 0;
      }
      if (w.written >= limit) {
        w.suppressed++;
        return;
      }
      w.written++;
    }
    if (suppressed > 0) {
      log.log(level, summary(key, suppressed, overNanos));
    }
    if (failure == null) {
      log.log(level, message.get());
    } else {
      log.log(level, message.get(), failure);
    }
  }

  /**
   * Writes the pending count of every kind that has suppressed messages, and starts their intervals
   * again. For a caller with a timer of its own, or at shutdown.
   */
  public void flush() {
    long now = nanoTime.getAsLong();
    Map<String, long[]> due = new HashMap<>();
    synchronized (this) {
      for (Map.Entry<String, Window> e : windows.entrySet()) {
        Window w = e.getValue();
        if (w.suppressed > 0) {
          due.put(e.getKey(), new long[] {w.suppressed, now - w.startNanos});
          w.startNanos = now;
          w.written = 0;
          w.suppressed = 0;
        }
      }
    }
    due.forEach((key, n) -> log.log(Level.WARNING, summary(key, n[0], n[1])));
  }

  /** The window of {@code key}; called holding this. */
  private Window window(String key, long now) {
    Window w = windows.get(key);
    if (w != null) {
      return w;
    }
    if (windows.size() >= MAX_KINDS) {
      forgetQuietKinds(now);
      if (windows.size() >= MAX_KINDS) {
        return windows.computeIfAbsent(OTHER, k -> new Window(now));
      }
    }
    w = new Window(now);
    windows.put(key, w);
    return w;
  }

  /** Forgets kinds whose interval has passed without anything suppressed; called holding this. */
  private void forgetQuietKinds(long now) {
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      Window w = it.next();
      if (w.suppressed == 0 && now - w.startNanos >= intervalNanos) {
        it.remove();
      }
    }
  }

  static String summary(String key, long suppressed, long overNanos) {
    return "suppressed "
        + suppressed
        + " similar message"
        + (suppressed == 1 ? "" : "s")
        + " in the last "
        + seconds(overNanos)
        + ": "
        + key;
  }

  private static String seconds(long nanos) {
    long s = TimeUnit.NANOSECONDS.toSeconds(nanos);
    return s + " s";
  }
}
