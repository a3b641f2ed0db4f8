package dev.switchboard.server;

import java.lang.System.Logger.Level;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs session closes off the caller's thread. Some containers block in {@code Session.close()}
 * until the close frame is written (Tomcat waits for a pending async send, up to its blocking send
 * timeout); a publisher that closes a slow consumer must never wait for that.
 */
final class Closer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Closer.class.getName());

  /**
   * Threads that may be blocked in a close at once. Closes are rare and each blocks at most for the
   * container's send timeout; four keep a burst of slow-consumer closes moving.
   */
  private static final int THREADS = 4;

  private final ThreadPoolExecutor executor;

  Closer() {
    AtomicInteger n = new AtomicInteger();
    executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "switchboard-closer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  void run(String what, ThrowingRunnable close) {
    try {
      executor.execute(
          () -> {
            try {
              close.run();
            } catch (Exception e) {
              LOG.log(Level.DEBUG, () -> what + " failed: " + e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.log(Level.DEBUG, () -> what + " skipped: closer is shut down");
    }
  }

  @Override
  public void close() {
    executor.shutdown();
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
