package dev.switchboard.engine.redis;

import dev.switchboard.log.LogLimiter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Tries to open a {@link RedisLink} again and again, with {@link ConnectBackoff} waits between the
 * attempts, on a thread of its own, until an opened link is accepted or {@link #close} is called.
 * Each failure is logged, limited by a {@link LogLimiter} so a Redis that stays away for hours
 * writes a few lines a minute.
 *
 * <p>Thread-safe: attempts run one at a time on the opener's thread; {@link #close} may be called
 * from any thread, also during an attempt (its link, if it opens, is then released).
 */
final class LinkOpener implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LinkOpener.class.getName());

  private final RedisOptions options;
  private final ConnectBackoff backoff;
  private final LogLimiter warnings = LogLimiter.of(LOG);
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "switchboard-redis-connect");
            t.setDaemon(true);
            return t;
          });

  /** Why the last attempt failed: the message of its {@link RedisUnavailableException}. */
  private volatile String lastFailure;

  /** Attempts made by the opener; written by its thread only. */
  private volatile int attempts;

  private volatile boolean closed;

  /**
   * @param firstFailure why the attempt the caller made itself failed
   */
  LinkOpener(RedisOptions options, ConnectBackoff backoff, String firstFailure) {
    this.options = options;
    this.backoff = backoff;
    this.lastFailure = firstFailure;
  }

  /**
   * Starts the attempts. {@code accept} runs on the opener's thread with each opened link; it
   * returns true when it took the link (the attempts end), false when it released it and wants
   * another attempt. When it throws, the opener releases the link and tries again (for instance:
   * Redis went away while the link was set up).
   */
  void start(Predicate<RedisLink> accept) {
    schedule(accept);
  }

  private void schedule(Predicate<RedisLink> accept) {
    Duration wait = backoff.next();
    try {
      thread.schedule(() -> attempt(accept), wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void attempt(Predicate<RedisLink> accept) {
    if (closed) {
      return;
    }
    attempts++;
    RedisLink link;
    try {
      link = RedisLink.open(options);
    } catch (RuntimeException e) {
      failed(RedisLink.rootMessage(e), accept);
      return;
    }
    if (closed) {
      link.release();
      return;
    }
    boolean taken;
    try {
      taken = accept.test(link);
    } catch (RuntimeException e) {
      link.release();
      failed("setting up the engine on Redis failed: " + RedisLink.rootMessage(e), accept);
      return;
    }
    if (taken) {
      LOG.log(
          Level.WARNING,
          "connected to Redis at "
              + RedisLink.redacted(options.uri())
              + " after "
              + (attempts + 1)
              + " attempts");
      thread.shutdown();
    } else {
      schedule(accept);
    }
  }

  private void failed(String why, Predicate<RedisLink> accept) {
    if (closed) {
      return;
    }
    lastFailure = why;
    warnings.warn("redis connect", why + "; trying again (" + (attempts + 1) + " attempts so far)");
    schedule(accept);
  }

  /** Why the last attempt failed. */
  String lastFailure() {
    return lastFailure;
  }

  /** The attempts made in the background so far (the caller's own not counted). */
  int attempts() {
    return attempts;
  }

  /** Stops the attempts; one under way releases its link. Idempotent. */
  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
  }
}
