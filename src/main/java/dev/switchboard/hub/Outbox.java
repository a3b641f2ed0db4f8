package dev.switchboard.hub;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A connection's bounded queue of outgoing frames with at most one send in flight.
 *
 * <p>{@link #offer} never blocks: when the queued bytes would pass the limit it returns
 * {@link Offer#OVERFLOW} and the caller closes the connection as a slow consumer. The next frame is
 * sent from the previous send's completion. A completion that runs inline (inside {@link
 * Transport#send}) does not recurse: it only marks itself done and the sending loop goes on, so a
 * fast socket cannot grow the stack.
 *
 * <p>{@link #enqueue} queues without starting a send, so a caller may queue several frames in an
 * order it guards with its own lock and {@link #flush} after releasing it: no I/O under that lock.
 * Frames queued as <em>exempt</em> (a recovery backlog, bounded by the history size) are not
 * counted against the limit, so catching up never by itself makes a client "slow".
 *
 * <p>Thread-safe: any thread may offer; the transport may complete sends on any thread.
 */
public final class Outbox {

  /** Outcome of {@link #offer} and {@link #enqueue}. */
  public enum Offer {
    QUEUED,
    /** The frame would exceed the byte limit; it was not queued. */
    OVERFLOW,
    /** The outbox is closed; the frame was not queued. */
    CLOSED
  }

  /** A flush is scheduled with a fan-out lane; see {@link #scheduleFlush}. */
  private final java.util.concurrent.atomic.AtomicBoolean flushScheduled =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Marks an exempt frame in the queue; plain frames are queued as themselves. */
  private record Exempt(OutFrame frame) {}

  private final Transport transport;
  private final long maxBytes;
  private final Consumer<Throwable> onSendFailure;

  private final Object lock = new Object();
  /** OutFrames and Exempt wrappers not yet handed to the transport. Guarded by {@code lock}. */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  /** Bytes queued plus the frame in flight. Guarded by {@code lock}. */
  private long bytes;
  /** The part of {@code bytes} in exempt frames. Guarded by {@code lock}. */
  private long exemptBytes;
  /** Bytes of the frame or batch in flight. Guarded by {@code lock}. */
  private long inFlightBytes;
  /** The exempt part of {@code inFlightBytes}. Guarded by {@code lock}. */
  private long inFlightExempt;
  /** The frames of the batch being handed over; only touched by the send loop's owner. */
  private final java.util.ArrayList<OutFrame> batch = new java.util.ArrayList<>();
  /** Some thread owns the send loop or a send is in flight. Guarded by {@code lock}. */
  private boolean pumping;
  /** The loop's thread is inside {@link Transport#send}. Guarded by {@code lock}. */
  private boolean inSend;
  /** The current send completed while {@code inSend}. Guarded by {@code lock}. */
  private boolean completedInline;
  /** Guarded by {@code lock}. */
  private boolean closed;

  /**
   * @param maxBytes the most (non-exempt) bytes that may wait; one frame larger than this is still
   *     accepted into an empty outbox, so a limit below the maximum message size never wedges a
   *     connection
   * @param onSendFailure told once when a send fails; the outbox is closed by then
   */
  public Outbox(Transport transport, long maxBytes, Consumer<Throwable> onSendFailure) {
    this.transport = transport;
    this.maxBytes = maxBytes;
    this.onSendFailure = onSendFailure;
  }

  /** Queues a frame and starts sending if nothing is in flight. */
  public Offer offer(OutFrame frame) {
    Offer result = enqueue(frame, false);
    if (result == Offer.QUEUED) {
      flush();
    }
    return result;
  }

  /**
   * Queues a frame without starting a send; call {@link #flush} afterwards.
   *
   * @param exempt whether the frame is exempt from the byte limit
   */
  public Offer enqueue(OutFrame frame, boolean exempt) {
    synchronized (lock) {
      if (closed) {
        return Offer.CLOSED;
      }
      long counted = bytes - exemptBytes;
      if (!exempt && counted > 0 && counted + frame.size() > maxBytes) {
        return Offer.OVERFLOW;
      }
      queue.add(exempt ? new Exempt(frame) : frame);
      bytes += frame.size();
      if (exempt) {
        exemptBytes += frame.size();
      }
      return Offer.QUEUED;
    }
  }

  /**
   * Claims the one pending flush of this outbox: true means the caller must call {@link
   * #runScheduledFlush} later; false means someone else will, covering this caller's frames too
   * (the flag is cleared before that flush reads the queue).
   */
  public boolean scheduleFlush() {
    return !flushScheduled.get() && flushScheduled.compareAndSet(false, true);
  }

  /** Runs the flush claimed with {@link #scheduleFlush}. */
  public void runScheduledFlush() {
    flushScheduled.set(false);
    flush();
  }

  /** Starts sending queued frames unless a send is already in flight. */
  public void flush() {
    synchronized (lock) {
      if (pumping || closed || queue.isEmpty()) {
        return;
      }
      pumping = true;
    }
    pump();
  }

  /**
   * Closes the outbox: later offers return {@link Offer#CLOSED}, queued frames are dropped.
   *
   * @return the number of frames dropped
   */
  public int close() {
    synchronized (lock) {
      if (closed) {
        return 0;
      }
      closed = true;
      return dropQueued();
    }
  }

  /** Bytes waiting, including the frame in flight. */
  public long queuedBytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  /** Guarded by {@code lock}. */
  private int dropQueued() {
    int dropped = queue.size();
    for (Object o : queue) {
      long size = frameOf(o).size();
      bytes -= size;
      if (o instanceof Exempt) {
        exemptBytes -= size;
      }
    }
    queue.clear();
    return dropped;
  }

  private static OutFrame frameOf(Object queued) {
    return queued instanceof Exempt e ? e.frame() : (OutFrame) queued;
  }

  private void pump() {
    int maxBatch = transport.maxBatchBytes();
    while (true) {
      OutFrame single = null;
      synchronized (lock) {
        Object o = closed ? null : queue.poll();
        if (o == null) {
          pumping = false;
          return;
        }
        inFlightBytes = 0;
        inFlightExempt = 0;
        take(o);
        if (maxBatch > 0 && !queue.isEmpty()) {
          batch.add(frameOf(o));
          while (!queue.isEmpty() && inFlightBytes + frameOf(queue.peek()).size() <= maxBatch) {
            Object next = queue.poll();
            take(next);
            batch.add(frameOf(next));
          }
        } else {
          single = frameOf(o);
        }
        inSend = true;
        completedInline = false;
      }
      try {
        if (single != null) {
          transport.send(single, this::onSent);
        } else {
          transport.sendBatch(batch, this::onSent);
        }
      } catch (RuntimeException e) {
        onSent(e);
      } finally {
        batch.clear(); // the transport copied what it needed
      }
      synchronized (lock) {
        inSend = false;
        if (!completedInline) {
          return; // the completion will continue the loop
        }
      }
    }
  }

  /** Moves a polled entry's bytes to the in-flight count. Guarded by {@code lock}. */
  private void take(Object queued) {
    long size = frameOf(queued).size();
    inFlightBytes += size;
    if (queued instanceof Exempt) {
      inFlightExempt += size;
    }
  }

  private void onSent(Throwable failure) {
    boolean inline;
    synchronized (lock) {
      bytes -= inFlightBytes;
      exemptBytes -= inFlightExempt;
      inFlightBytes = 0;
      inFlightExempt = 0;
      if (failure != null && !closed) {
        closed = true;
        dropQueued();
      }
      inline = inSend;
      completedInline = inline;
    }
    if (failure != null) {
      onSendFailure.accept(failure);
    }
    if (!inline) {
      pump();
    }
  }
}
