package dev.switchboard.hub;

import dev.switchboard.log.LogLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Fan-out "lanes". A channel always maps to the same lane, and a lane runs its tasks one at a time
 * in the order they were submitted, so a channel's deliveries keep their order. A lane runs in
 * rounds: it takes what is queued, queues the frames into the subscribers' outboxes without
 * writing, and only then flushes each touched outbox once: the frames of all publications that
 * arrived meanwhile leave in one write per subscriber instead of one write per frame. The busier
 * the hub, the bigger the batches. Queuing never blocks (a full outbox overflows and its connection
 * is closed), so a slow subscriber holds neither its lane nor the others.
 *
 * <p>Each round is one task on the lanes' {@link Executor}; a lane with more work left submits its
 * next round, and never has more than one round submitted, so a lane never runs on two threads at
 * once. Production runs the lanes on as many threads as there are lanes; tests pass an executor
 * they run step by step.
 *
 * <p>{@link #close} drains: rounds already submitted run until their lanes are empty (a closing
 * lane goes on in place instead of submitting another round); tasks submitted after it are dropped.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread; it never blocks.
 */
final class FanOut implements AutoCloseable {
  /**
   * Tasks a lane runs before flushing even if more are queued, so a steady stream of publications
   * cannot hold frames back indefinitely. 256 small publications make a ~20 KB write.
   */
  static final int MAX_TASKS_PER_ROUND = 256;

  /**
   * Bytes (per subscriber) a lane queues before flushing even if more tasks are queued: a lane that
   * fell behind must not pile megabytes into each outbox before offering any of it to the sockets.
   * Four maximum batches of the standalone transport; small publications never reach it.
   */
  static final int MAX_BYTES_PER_ROUND = 256 * 1024;

  private static final System.Logger LOG = System.getLogger(FanOut.class.getName());

  /** A task that fails for every publication must not write a stack trace each time. */
  private final LogLimiter errors = LogLimiter.of(LOG);

  /** Work for a lane: delivers into outboxes and reports the connections it queued frames for. */
  @FunctionalInterface
  interface Task {
    /**
     * @return the bytes queued for each subscriber (the frame's size), 0 if nothing was
     */
    int run(List<ClientConnection> touched);

    /** Whether {@link #flushed} is wanted; false (the default) costs no clock read. */
    default boolean timed() {
      return false;
    }

    /**
     * For a {@link #timed} task whose {@link #run} queued something: called on the lane's thread
     * once its round has queued everything and started every touched outbox's flush, with the clock
     * read once for the whole round. The publication latency is measured here. Must not block; the
     * default does nothing.
     */
    default void flushed(long roundEndNanos) {}
  }

  private final Lane[] lanes;
  private final Executor executor;

  /** The executor this owns and shuts down on close; null when the caller owns it. */
  private final @Nullable ExecutorService owned;

  private volatile boolean closed;

  /**
   * Without lanes: a list of the connections a task touched, kept between tasks. A new list per
   * publication grows afresh to the channel's size every time (~15 B per subscriber in copies). A
   * task takes it (null meanwhile: a task running at the same time, on another thread or from
   * inside this one's flush, makes its own) and puts it back empty: it holds no connection between
   * tasks, only its capacity.
   */
  private final AtomicReference<@Nullable ArrayList<ClientConnection>> spareTouched =
      new AtomicReference<>();

  /**
   * What a round reads once, after its flushes, for its {@link Task#timed} tasks: the hub's clock,
   * set by {@link #timeWith} before anything is submitted. Volatile: set on the starting thread,
   * read on the lanes'.
   */
  private volatile HubClock clock = HubClock.system();

  /**
   * @param lanes how many lanes; 0 runs every task on the submitting thread and flushes at once
   *     (deterministic, for tests and embedding)
   * @param executor runs the lanes' rounds; unused with 0 lanes
   */
  FanOut(int lanes, Executor executor) {
    this(lanes, executor, null);
  }

  private FanOut(int lanes, Executor executor, @Nullable ExecutorService owned) {
    this.lanes = new Lane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new Lane();
    }
    this.executor = executor;
    this.owned = owned;
  }

  /** {@code threads} lanes, each on a thread of its own (daemon threads, named for the lane). */
  static FanOut onThreads(int threads) {
    if (threads == 0) {
      return new FanOut(0, Runnable::run);
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "switchboard-fanout-" + next.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new FanOut(threads, pool, pool);
  }

  /** Reads the time for timed tasks from {@code clock} (tests pass a manual one). */
  void timeWith(HubClock clock) {
    this.clock = clock;
  }

  /** Runs {@code task} on the lane of {@code channel}, after earlier tasks of that channel. */
  void submit(String channel, Task task) {
    if (lanes.length == 0) {
      runInline(task);
      return;
    }
    if (closed) {
      LOG.log(System.Logger.Level.DEBUG, "fan-out closed: a delivery to " + channel + " dropped");
      return;
    }
    lanes[laneOf(channel)].submit(task);
  }

  /** Runs {@code task} and flushes what it touched, on this thread (no lanes). */
  private void runInline(Task task) {
    ArrayList<ClientConnection> touched = spareTouched.getAndSet(null);
    if (touched == null) {
      touched = new ArrayList<>();
    }
    try {
      int queued = task.run(touched);
      touched.forEach(ClientConnection::runScheduledFlush);
      if (queued > 0 && task.timed()) {
        task.flushed(clock.nanoTime());
      }
    } finally {
      touched.clear();
      spareTouched.set(touched);
    }
  }

  /** The lane of {@code channel}: the same one for every task of that channel. */
  int laneOf(String channel) {
    return Math.floorMod(channel.hashCode() * 0x9E3779B9, lanes.length);
  }

  int lanes() {
    return lanes.length;
  }

  /** Drains what was submitted (see the class comment) and stops taking tasks. */
  @Override
  public void close() {
    closed = true;
    if (owned != null) {
      owned.shutdown(); // rounds already submitted still run
    }
  }

  private final class Lane implements Runnable {
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();

    /** A round of this lane is submitted or running; whoever sets it submits the round. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Connections with frames queued this round; only the round's thread touches it. */
    private final List<ClientConnection> touched = new ArrayList<>();

    /** Timed tasks of this round that queued something, told once it flushed; its thread's. */
    private final Task[] ran = new Task[MAX_TASKS_PER_ROUND];

    void submit(Task task) {
      queue.add(task);
      if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          scheduled.set(false); // closed meanwhile: dropped, as after close
        }
      }
    }

    /** One round, then the next one submitted (or, while closing, run here) if work is left. */
    @Override
    public void run() {
      do {
        round();
        scheduled.set(false);
        // A task queued after the round's last poll found the lane still scheduled: take it on.
      } while (!queue.isEmpty() && scheduled.compareAndSet(false, true) && !resubmitted());
    }

    /** Submits the next round unless closing; false when it must run here instead. */
    private boolean resubmitted() {
      if (!closed) {
        try {
          executor.execute(this);
          return true;
        } catch (RejectedExecutionException e) {
          // closed meanwhile: drain here
        }
      }
      return false;
    }

    private void round() {
      int done = 0;
      int timed = 0;
      long bytes = 0;
      Task t;
      while (done < MAX_TASKS_PER_ROUND
          && bytes < MAX_BYTES_PER_ROUND
          && (t = queue.poll()) != null) {
        try {
          int queued = t.run(touched);
          bytes += queued;
          if (queued > 0 && t.timed()) {
            ran[timed++] = t;
          }
        } catch (RuntimeException e) {
          errors.log(
              System.Logger.Level.ERROR, "fan-out task failed", () -> "fan-out task failed", e);
        }
        done++;
      }
      for (int i = 0; i < touched.size(); i++) {
        touched.get(i).runScheduledFlush();
      }
      touched.clear();
      long roundEnd = timed > 0 ? clock.nanoTime() : 0;
      for (int i = 0; i < timed; i++) {
        try {
          ran[i].flushed(roundEnd);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "fan-out task's flushed failed", e);
        }
        ran[i] = null;
      }
    }
  }
}
