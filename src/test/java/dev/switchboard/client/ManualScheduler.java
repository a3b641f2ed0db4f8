package dev.switchboard.client;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} driven by the test on a fake clock: nothing runs until {@link #runDue()} or
 * {@link #advance}, and then on the test's thread, in due-time order (ties in submission order).
 */
final class ManualScheduler implements Scheduler {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now;
  private long seq;

  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    final Runnable run;
    boolean cancelled;

    Task(long due, long seq, Runnable run) {
      this.due = due;
      this.seq = seq;
      this.run = run;
    }

    @Override
    public int compareTo(Task o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
    }
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(new Task(now, seq++, task));
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    Task t = new Task(now + delay.toMillis(), seq++, task);
    tasks.add(t);
    return () -> t.cancelled = true;
  }

  /** Runs every task due now, including those they submit for now. */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves the clock forward by {@code d}, running each task when its time comes. */
  void advance(Duration d) {
    long target = now + d.toMillis();
    while (!tasks.isEmpty() && tasks.peek().due <= target) {
      Task t = tasks.poll();
      now = t.due;
      if (!t.cancelled) {
        t.run.run();
      }
    }
    now = target;
  }

  /** The milliseconds until the earliest task that is still to run, or -1 when there is none. */
  long nextDelay() {
    return tasks.stream().filter(t -> !t.cancelled).mapToLong(t -> t.due - now).min().orElse(-1);
  }
}
