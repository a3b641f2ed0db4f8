package dev.switchboard.bridge.jms;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The stop signal of a bridge's thread: set once by {@link #stop()} (or by an interrupt), checked
 * in its loop, and cutting short its waits between retries. Thread-safe.
 */
final class Stop {
  private final CountDownLatch stopped = new CountDownLatch(1);

  boolean isSet() {
    return stopped.getCount() == 0;
  }

  /** Waits {@code d}, or less when stopped; an interrupt stops. */
  void pause(Duration d) {
    try {
      stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped.countDown();
    }
  }

  void stop() {
    stopped.countDown();
  }
}
