package dev.switchboard.testing;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * An executor that runs nothing until the test says so: {@link #runNext} runs the oldest task on
 * the test's thread. Thread-safe for submitting; run it from one thread.
 */
public final class ManualExecutor implements Executor {
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  /** Tasks submitted and not run yet. */
  public synchronized int pending() {
    return tasks.size();
  }

  /** Runs the oldest task; fails when there is none. */
  public void runNext() {
    Runnable next;
    synchronized (this) {
      next = tasks.poll();
    }
    if (next == null) {
      throw new AssertionError("no task to run");
    }
    next.run();
  }

  /** Runs tasks, those they submit too, until none is left; returns how many ran. */
  public int runAll() {
    int ran = 0;
    while (pending() > 0) {
      runNext();
      ran++;
    }
    return ran;
  }
}
