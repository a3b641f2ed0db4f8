package dev.switchboard.hub;

import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.HubEventListener;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
   * The same failure (where, exception class) is logged at most once a minute: a listener that
   * throws on every event must not flood the log. Every failure is counted.
   */
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private volatile Decisions decisions = Decisions.ALLOW_ALL;
  private volatile HubEventListener listener = HubEventListener.NONE;

  /** When each failure was last logged (System.nanoTime), by where and exception class. */
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

  private final HubMetrics metrics;

  Hooks(HubMetrics metrics) {
    this.metrics = metrics;
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
    return listener != HubEventListener.NONE;
  }

  void decideWith(Decisions decisions) {
    this.decisions = decisions;
  }

  void listen(HubEventListener listener) {
    this.listener = listener;
  }

  /** Tells the listener; one that throws is logged and counted, and the hub goes on. */
  void tell(HubEvent event) {
    try {
      listener.on(event);
    } catch (RuntimeException e) {
      failed("event listener on " + event.getClass().getSimpleName(), e);
    }
  }

  /** An application hook ({@code where}) threw: counted, and logged at most once a minute. */
  void failed(String where, RuntimeException e) {
    metrics.hookFailures.increment();
    warnOnce(where + " threw " + e.getClass().getName(), where + " threw", e);
  }

  /** Logs {@code message} at WARNING unless the same {@code key} was logged within a minute. */
  void warnOnce(String key, String message, @org.jspecify.annotations.Nullable Throwable e) {
    long now = System.nanoTime();
    Long last = lastLogged.get(key);
    if (last != null && now - last < LOG_EVERY_NANOS) {
      return;
    }
    lastLogged.put(key, now);
    String text = message + " (logged at most once a minute; counted in hook_failures)";
    if (e == null) {
      LOG.log(Level.WARNING, text);
    } else {
      LOG.log(Level.WARNING, text, e);
    }
  }
}
