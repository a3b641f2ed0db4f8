package dev.switchboard.hub;

import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.HubEventListener;
import dev.switchboard.log.LogLimiter;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the application plugged into the hub: its {@link Decisions} and its {@link
 * HubEventListener}. Set at any time (an integration that starts after the hub sets them later);
 * connections read them on each use. Also where the application's failures are logged and counted:
 * a decision or a listener that throws never breaks the hub.
 */
final class Hooks {
  private static final System.Logger LOG = System.getLogger(Hooks.class.getName());

  /**
   * The same failure (where, exception class) is logged at most once a minute, then counted in one
   * line: a listener that throws on every event must not flood the log. Every failure is counted in
   * the stats too.
   */
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);

  /** Threads asking refresh decisions at once. */
  private static final int ASIDE_THREADS = 4;

  private volatile Decisions decisions = Decisions.ALLOW_ALL;
  private volatile HubEventListener listener = HubEventListener.NONE;

  /**
   * The server's own listener (the JMS sink's), told of every event next to the application's
   * {@link #listener}, which the application may replace at any time.
   */
  private volatile HubEventListener forward = HubEventListener.NONE;

  /** Keyed by where and exception class. */
  private final LogLimiter warnings = new LogLimiter(LOG, 1, LOG_EVERY, System::nanoTime);

  private final HubMetrics metrics;

  /**
   * Runs the decisions no reader thread asks: refreshes of expiring connections, found by the
   * sweep, which must not wait for them. A few threads at most (a slow backend delays refreshes,
   * not the sweep); idle ones end, so a hub without refreshes keeps none.
   */
  private final ThreadPoolExecutor aside =
      new ThreadPoolExecutor(
          ASIDE_THREADS,
          ASIDE_THREADS,
          30,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "switchboard-refresh");
            t.setDaemon(true);
            return t;
          });

  Hooks(HubMetrics metrics) {
    this.metrics = metrics;
    aside.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code task} on one of the hooks' own threads, in the order given; at most one task per
   * connection is queued at a time (see {@link ConnectionAuth}).
   */
  void runAside(Runnable task) {
    aside.execute(task);
  }

  Decisions decisions() {
    return decisions;
  }

  HubEventListener listener() {
    return listener;
  }

  /** Whether an application decides anything: false skips building what decisions are asked. */
  boolean deciding() {
    return decisions != Decisions.ALLOW_ALL;
  }

  /** Whether anyone listens: false skips building events. */
  boolean listening() {
    return listener != HubEventListener.NONE || forward != HubEventListener.NONE;
  }

  void decideWith(Decisions decisions) {
    this.decisions = decisions;
  }

  void listen(HubEventListener listener) {
    this.listener = listener;
  }

  void forwardTo(HubEventListener forward) {
    this.forward = forward;
  }

  /** Tells the listener; one that throws is logged and counted, and the hub goes on. */
  void tell(HubEvent event) {
    try {
      listener.on(event);
    } catch (RuntimeException e) {
      failed("event listener on " + event.getClass().getSimpleName(), e);
    }
    try {
      forward.on(event);
    } catch (RuntimeException e) {
      failed("forwarding listener on " + event.getClass().getSimpleName(), e);
    }
  }

  /** An application hook ({@code where}) threw: counted, and logged at most once a minute. */
  void failed(String where, RuntimeException e) {
    metrics.hookFailures.increment();
    warnLimited(where + " threw " + e.getClass().getName(), where + " threw", "hook_failures", e);
  }

  /**
   * Logs {@code message} at WARNING unless the same {@code key} was logged within a minute (those
   * are counted in one line with the next one after the minute).
   *
   * @param counter the stats counter that counts every occurrence
   */
  void warnLimited(
      String key, String message, String counter, @org.jspecify.annotations.Nullable Throwable e) {
    warnings.warn(
        key, message + " (logged at most once a minute; all counted in " + counter + ")", e);
  }
}
