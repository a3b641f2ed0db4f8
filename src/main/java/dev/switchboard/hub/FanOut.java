package dev.switchboard.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Fan-out threads ("lanes"). A channel always maps to the same lane, so its deliveries keep their
 * order. A lane takes everything queued, queues the frames into the subscribers' outboxes without
 * writing, and only then flushes each touched outbox once: the frames of all publications that
 * arrived meanwhile leave in one write per subscriber instead of one write per frame. The busier
 * the hub, the bigger the batches.
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

  /** Work for a lane: delivers into outboxes and reports the connections it queued frames for. */
  @FunctionalInterface
  interface Task {
    /**
     * @return the bytes queued for each subscriber (the frame's size), 0 if nothing was
     */
    int run(List<ClientConnection> touched);
  }

  private final Lane[] lanes;

  /**
   * @param threads lanes to start; 0 runs every task on the submitting thread and flushes at once
   *     (deterministic, for tests and embedding)
   */
  FanOut(int threads) {
    lanes = new Lane[threads];
    for (int i = 0; i < threads; i++) {
      lanes[i] = new Lane("switchboard-fanout-" + (i + 1));
      lanes[i].thread.start();
    }
  }

  /** Runs {@code task} on the lane of {@code channel}, after earlier tasks of that channel. */
  void submit(String channel, Task task) {
    if (lanes.length == 0) {
      List<ClientConnection> touched = new ArrayList<>();
      task.run(touched);
      touched.forEach(ClientConnection::runScheduledFlush);
      return;
    }
    lanes[Math.floorMod(channel.hashCode() * 0x9E3779B9, lanes.length)].submit(task);
  }

  int lanes() {
    return lanes.length;
  }

  @Override
  public void close() {
    for (Lane l : lanes) {
      l.stop();
    }
  }

  private static final class Lane implements Runnable {
    final Thread thread;
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();

    /** The lane is parked or about to park; a submitter that sees true wakes it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();

    private volatile boolean running = true;

    /** Connections with frames queued this round; only the lane's thread touches it. */
    private final List<ClientConnection> touched = new ArrayList<>();

    Lane(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    void submit(Task task) {
      queue.add(task);
      if (sleeping.get() && sleeping.compareAndSet(true, false)) {
        LockSupport.unpark(thread);
      }
    }

    void stop() {
      running = false;
      LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      while (running) {
        int done = 0;
        long bytes = 0;
        Task t;
        while (done < MAX_TASKS_PER_ROUND
            && bytes < MAX_BYTES_PER_ROUND
            && (t = queue.poll()) != null) {
          try {
            bytes += t.run(touched);
          } catch (RuntimeException e) {
            System.getLogger(FanOut.class.getName())
                .log(System.Logger.Level.ERROR, "fan-out task failed", e);
          }
          done++;
        }
        flushTouched();
        if (done == 0) {
          sleeping.set(true);
          if (queue.isEmpty() && running) {
            LockSupport.park(this);
          }
          sleeping.set(false);
        }
      }
    }

    private void flushTouched() {
      for (int i = 0; i < touched.size(); i++) {
        touched.get(i).runScheduledFlush();
      }
      touched.clear();
    }
  }
}
