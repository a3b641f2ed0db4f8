package dev.switchboard.cdi;

import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.HubEventListener;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The hub's events as CDI events: each {@link HubEvent} is fired as an event of its record type,
 * synchronously ({@code @Observes}) then asynchronously ({@code @ObservesAsync}), on one thread per
 * application, in the order the hub told them.
 *
 * <p>The hub calls {@link #on} on I/O and engine threads that must never block, so events go
 * through a bounded queue: when it is full an event is dropped, counted ({@link #dropped}) and
 * logged at most every {@link #DROP_LOG_EVERY}. An event type nobody observes is never queued, so
 * an application without observers pays one map lookup per event.
 *
 * <p>Observers run with the application's class loader as context loader and an active request
 * context (when the container offers {@code RequestContextController}), not inside the client's
 * request: they see application-scoped beans, and a fresh request scope per event.
 */
final class EventRelay implements HubEventListener {
  private static final System.Logger LOG = System.getLogger(EventRelay.class.getName());

  /**
   * Events queued at most: 10,000 small records (~1 MB) ride out a burst of connects or publishes
   * while observers are slow, without letting a stuck observer grow the heap without bound.
   */
  static final int CAPACITY = 10_000;

  /** Drops are logged at most this often: a full queue under load would otherwise flood the log. */
  static final Duration DROP_LOG_EVERY = Duration.ofSeconds(10);

  private static final Object STOP = new Object();

  private final BeanManager beans;
  private final ClassLoader application;
  private final BlockingQueue<Object> queue;
  private final Thread thread;

  /** Who observes each event type, found on its first event (observers are fixed by then). */
  private final Map<Class<?>, Observed> observed = new ConcurrentHashMap<>();

  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastDropLog =
      new AtomicLong(System.nanoTime() - DROP_LOG_EVERY.toNanos());
  private volatile boolean closing;

  /** Whether an event type has synchronous and asynchronous observers. */
  private record Observed(boolean sync, boolean async) {
    boolean any() {
      return sync || async;
    }
  }

  /** Told of every drop: the hub's metrics count it ({@code dropped_events} in the stats). */
  private final Runnable onDrop;

  EventRelay(BeanManager beans, ClassLoader application, int capacity, Runnable onDrop) {
    this.beans = beans;
    this.onDrop = onDrop;
    this.application = application;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::drain, "switchboard-cdi-events");
    thread.setDaemon(true);
    thread.setContextClassLoader(application);
    thread.start();
  }

  /** Queues {@code event} for its observers, if it has any; never blocks. */
  @Override
  public void on(HubEvent event) {
    if (closing || !observers(event).any()) {
      return;
    }
    if (!queue.offer(event)) {
      long n = dropped.incrementAndGet();
      onDrop.run();
      long now = System.nanoTime();
      long last = lastDropLog.get();
      if (now - last >= DROP_LOG_EVERY.toNanos() && lastDropLog.compareAndSet(last, now)) {
        LOG.log(
            Level.WARNING,
            "CDI event queue full ({0} events): dropped {1} events so far, the latest a {2}",
            queue.size(),
            n,
            event.getClass().getSimpleName());
      }
    }
  }

  /** Events dropped because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  private Observed observers(HubEvent event) {
    Observed o = observed.get(event.getClass());
    if (o == null) {
      boolean sync = false;
      boolean async = false;
      Set<ObserverMethod<? super HubEvent>> methods;
      try {
        methods = beans.resolveObserverMethods(event);
      } catch (RuntimeException e) {
        // The container is not ready (or going away): skip this one, ask again next time.
        LOG.log(Level.DEBUG, "cannot resolve observers of " + name(event), e);
        return new Observed(false, false);
      }
      for (ObserverMethod<? super HubEvent> m : methods) {
        if (m.isAsync()) {
          async = true;
        } else {
          sync = true;
        }
      }
      o = new Observed(sync, async);
      observed.put(event.getClass(), o);
    }
    return o;
  }

  private void drain() {
    // Looked up on the first event, not at start: the container may still be starting then.
    Event<Object> events = null;
    RequestContextController requests = null;
    try {
      for (Object next = queue.take(); next != STOP; next = queue.take()) {
        try {
          if (events == null) {
            events = beans.getEvent();
            requests = requestContext();
          }
          deliver(events, requests, (HubEvent) next);
        } catch (RuntimeException e) {
          // Never let one event end the thread: later events would pile up undelivered.
          LOG.log(Level.WARNING, "delivering a CDI event failed", e);
        }
      }
    } catch (InterruptedException e) {
      LOG.log(Level.WARNING, "CDI events stopped with {0} undelivered", queue.size());
      Thread.currentThread().interrupt();
    }
  }

  private void deliver(
      Event<Object> events, @Nullable RequestContextController requests, HubEvent event) {
    Observed o = observed.getOrDefault(event.getClass(), new Observed(true, true));
    boolean activated = false;
    try {
      activated = requests != null && requests.activate();
      if (o.sync()) {
        events.fire(event);
      }
      if (o.async()) {
        events
            .fireAsync(event)
            .whenComplete(
                (result, failure) -> {
                  if (failure != null) {
                    LOG.log(
                        Level.WARNING,
                        "an @ObservesAsync observer of " + name(event) + " failed",
                        failure);
                  }
                });
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "an @Observes observer of " + name(event) + " failed", e);
    } finally {
      if (activated && requests != null) {
        deactivate(requests);
      }
    }
  }

  private static void deactivate(RequestContextController requests) {
    try {
      requests.deactivate();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "ending the request context after an event failed", e);
    }
  }

  private static String name(HubEvent event) {
    return event.getClass().getSimpleName();
  }

  /** The container's request context controller, or null when it offers none. */
  private @Nullable RequestContextController requestContext() {
    try {
      return beans.createInstance().select(RequestContextController.class).get();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "no RequestContextController: observers run without a request scope", e);
      return null;
    }
  }

  /**
   * Stops taking events, delivers those already queued for at most {@code grace}, then stops the
   * thread (interrupting observers still running after that).
   *
   * @return true when everything queued was delivered in time
   */
  boolean close(Duration grace) {
    closing = true;
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      if (!queue.offer(STOP, grace.toNanos(), TimeUnit.NANOSECONDS)) {
        thread.interrupt();
        return false;
      }
      long left = Math.max(0, deadline - System.nanoTime());
      TimeUnit.NANOSECONDS.timedJoin(thread, left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      return false;
    }
    return true;
  }
}
