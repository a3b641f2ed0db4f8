package dev.switchboard.assembly;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes many connections a batch at a time, spread evenly over a period, in random order: so that
 * the clients of a node that stops do not all reconnect in the same instant, and no group of
 * clients (the oldest, one user's) is systematically the last to go.
 *
 * <p>The batches run on a timer thread, never on the caller's or the hub's threads; a close only
 * queues a close frame, so a batch is quick. The period is shortened to {@link #PER_CONNECTION} per
 * connection: a node with a few connections closes them at once.
 */
final class SpreadClose {
  private static final System.Logger LOG = System.getLogger(SpreadClose.class.getName());

  /**
   * Time between two batches. 20 ms is 50 batches a second: fine enough that 1,000 connections over
   * 5 s go 4 at a time, coarse enough that the timer costs nothing.
   */
  static final Duration TICK = Duration.ofMillis(20);

  /**
   * The most each connection adds to the period. 10 ms is 100 closes (and so reconnects) a second
   * at the slowest: far below what a node accepts ({@code limits.connect-rate} is 1,000 a second by
   * default), and a newcomer's Ctrl-C with two browser tabs open does not wait seconds.
   */
  static final Duration PER_CONNECTION = Duration.ofMillis(10);

  private SpreadClose() {}

  /**
   * Starts closing: runs every task of {@code closers} once, shuffled by {@code random}, in batches
   * on {@code timer} over {@link #period} of {@code spread}.
   *
   * @return completes when the last batch has run
   */
  static CompletableFuture<Void> start(
      List<Runnable> closers, Duration spread, ScheduledExecutorService timer, Random random) {
    List<Runnable> order = new ArrayList<>(closers);
    Collections.shuffle(order, random);
    CompletableFuture<Void> done = new CompletableFuture<>();
    long batches = period(spread, order.size()).toNanos() / TICK.toNanos();
    if (batches <= 1) {
      order.forEach(SpreadClose::run);
      done.complete(null);
      return done;
    }
    Batches task = new Batches(order, batches, done);
    ScheduledFuture<?> timed =
        timer.scheduleAtFixedRate(task, 0, TICK.toNanos(), TimeUnit.NANOSECONDS);
    done.whenComplete((v, e) -> timed.cancel(false));
    return done;
  }

  /** How long closing {@code connections} takes: {@code spread}, shortened for a few. */
  static Duration period(Duration spread, int connections) {
    Duration most = PER_CONNECTION.multipliedBy(connections);
    return spread.compareTo(most) < 0 ? spread : most;
  }

  private static void run(Runnable closer) {
    try {
      closer.run();
    } catch (RuntimeException e) {
      // One failed close must not stop the others (nor the timer's later batches).
      LOG.log(Level.WARNING, "closing a connection at shutdown failed", e);
    }
  }

  /** The timer's task: its k-th run (from 1) closes the connections up to k/batches of them. */
  static final class Batches implements Runnable {
    private final List<Runnable> order;
    private final long batches;
    private final CompletableFuture<Void> done;

    /** Confined to the timer thread: a fixed-rate task's runs never overlap. */
    private long batch;

    private int next;

    Batches(List<Runnable> order, long batches, CompletableFuture<Void> done) {
      this.order = order;
      this.batches = batches;
      this.done = done;
    }

    @Override
    public void run() {
      batch++;
      int upTo = (int) (order.size() * batch / batches);
      while (next < upTo) {
        SpreadClose.run(order.get(next++));
      }
      if (batch >= batches) {
        done.complete(null);
      }
    }
  }
}
