package dev.switchboard.client;

import java.time.Duration;

/**
 * Runs the client's state tasks one at a time, in order: now, or after a delay. The client's state
 * is confined to it, so nothing that runs here needs a lock. Production runs it on one daemon
 * thread ({@link ThreadScheduler}); unit tests drive a manual one with a fake clock.
 */
interface Scheduler {
  /** Runs {@code task} after the tasks already queued. */
  void execute(Runnable task);

  /** Runs {@code task} after {@code delay}, unless cancelled first. */
  Cancellable schedule(Runnable task, Duration delay);

  /** A scheduled task that can still be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls the task off if it has not run yet; does nothing otherwise. */
    void cancel();
  }
}
