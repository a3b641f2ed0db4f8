package dev.switchboard.client;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The production {@link Scheduler}: one daemon thread, stopped by {@link #shutdown()}. */
final class ThreadScheduler implements Scheduler {
  private final ScheduledExecutorService thread;

  ThreadScheduler(String name) {
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void execute(Runnable task) {
    thread.execute(task);
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f = thread.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  /** Lets the queued tasks run and then ends the thread; later tasks are rejected. */
  void shutdown() {
    thread.shutdown();
  }
}
