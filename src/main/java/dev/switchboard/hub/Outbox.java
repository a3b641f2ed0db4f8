package dev.switchboard.hub;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A connection's bounded queue of outgoing frames with at most one send in flight.
 *
 * <p>{@link #offer} never blocks. A connection is slow when its socket does not drain, not when the
 * server is behind: {@link #offer} returns {@link Offer#OVERFLOW} (and the caller closes the
 * connection as a slow consumer) only while a send has waited at the transport (the kernel or the
 * container has not taken it) for at least {@link #STALL_GRACE_NANOS}, and only when either
 *
 * <ul>
 *   <li>more than the limit was queued since the socket last took a send: it stopped reading; or
 *   <li>more than {@link #BACKLOG_FACTOR} times the limit waits in all: it reads, but for a long
 *       time more slowly than its channels publish.
 * </ul>
 *
 * Past {@link #HARD_FACTOR} times the limit a waiting send overflows at once, whatever the time, so
 * memory stays bounded. Bytes that wait only because the server has not flushed yet (a fan-out lane
 * behind on a busy machine, and the burst that follows it into a socket that needs a moment to take
 * it) never make a client whose socket drains slow. The next frame is sent from the previous send's
 * completion. A completion that runs inline (inside {@link Transport#send}) does not recurse: it
 * only marks itself done and the sending loop goes on, so a fast socket cannot grow the stack.
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

  /**
   * How many times the limit may wait in all while the socket keeps taking sends. Large enough that
   * a healthy reader absorbs the burst after a server-side stall of several seconds at full rate;
   * small enough that a reader slower than its channels is still cut long before memory is.
   */
  static final int BACKLOG_FACTOR = 4;

  /**
   * How long a send must have waited at the transport before the limits apply. After a server-side
   * stall (a lane filling the socket buffers of thousands of stalled readers on a busy machine) the
   * backlog reaches every outbox in one burst, faster than any socket takes it; a healthy reader
   * takes its next send within milliseconds to a few hundred, a stalled one never.
   */
  static final long STALL_GRACE_NANOS = 2_000_000_000L;

  /** Times the limit past which a waiting send overflows without grace: the memory bound. */
  public static final int HARD_FACTOR = 16;

  /**
   * Frames at least this large leave in a write of their own, straight from their shared bytes:
   * copying them into a batch would cost more than the system call it saves. Smaller frames are
   * gathered into one write of up to {@link Transport#maxBatchBytes}.
   */
  static final int OWN_WRITE_BYTES = 8 * 1024;

  /** Marks an exempt frame in the queue; plain frames are queued as themselves. */
  private record Exempt(QueuedFrame frame) {}

  private final Transport transport;
  private final long maxBytes;

  /** {@link #BACKLOG_FACTOR} times {@code maxBytes}, saturated. */
  private final long maxBacklog;

  /** {@link #HARD_FACTOR} times {@code maxBytes}, saturated. */
  private final long hardMax;

  private final java.util.function.LongSupplier nanoClock;
  private final Consumer<Throwable> onSendFailure;

  /** {@link #onSent}, made once: a method reference per send is an object per delivery. */
  private final Transport.SendCallback sent = this::onSent;

  private final Object lock = new Object();

  /** QueuedFrames and Exempt wrappers not yet handed to the transport. Guarded by {@code lock}. */
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
  private final java.util.ArrayList<QueuedFrame> batch = new java.util.ArrayList<>();

  /** Some thread owns the send loop or a send is in flight. Guarded by {@code lock}. */
  private boolean pumping;

  /** The loop's thread is inside {@link Transport#send}. Guarded by {@code lock}. */
  private boolean inSend;

  /** The current send completed while {@code inSend}. Guarded by {@code lock}. */
  private boolean completedInline;

  /**
   * A send was handed to the transport, returned without completing and has not completed since:
   * the socket is not draining. Only then can the outbox overflow. Guarded by {@code lock}.
   */
  private boolean awaitingTransport;

  /** Non-exempt bytes queued since a send last completed. Guarded by {@code lock}. */
  private long sinceProgress;

  /** When the send in flight was handed to the transport. Guarded by {@code lock}. */
  private long sendStartedNanos;

  /** Guarded by {@code lock}. */
  private boolean closed;

  /**
   * @param maxBytes the most (non-exempt) bytes that may wait; one frame larger than this is still
   *     accepted into an empty outbox, so a limit below the maximum message size never wedges a
   *     connection
   * @param onSendFailure told once when a send fails; the outbox is closed by then
   */
  public Outbox(Transport transport, long maxBytes, Consumer<Throwable> onSendFailure) {
    this(transport, maxBytes, onSendFailure, System::nanoTime);
  }

  /** As above, with the clock that times waiting sends (tests pass a manual one). */
  Outbox(
      Transport transport,
      long maxBytes,
      Consumer<Throwable> onSendFailure,
      java.util.function.LongSupplier nanoClock) {
    this.transport = transport;
    this.maxBytes = maxBytes;
    this.maxBacklog = times(maxBytes, BACKLOG_FACTOR);
    this.hardMax = times(maxBytes, HARD_FACTOR);
    this.onSendFailure = onSendFailure;
    this.nanoClock = nanoClock;
  }

  private static long times(long bytes, int factor) {
    return bytes > Long.MAX_VALUE / factor ? Long.MAX_VALUE : bytes * factor;
  }

  /** Queues a frame and starts sending if nothing is in flight. */
  public Offer offer(QueuedFrame frame) {
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
  public Offer enqueue(QueuedFrame frame, boolean exempt) {
    synchronized (lock) {
      if (closed) {
        return Offer.CLOSED;
      }
      if (!exempt && awaitingTransport && stalledPast(frame.size(), nanoClock)) {
        return Offer.OVERFLOW;
      }
      queue.add(exempt ? new Exempt(frame) : frame);
      bytes += frame.size();
      if (exempt) {
        exemptBytes += frame.size();
      } else {
        sinceProgress += frame.size();
      }
      return Offer.QUEUED;
    }
  }

  /**
   * Whether one more frame of {@code size} would pass a limit; see the class comment. A lone frame
   * larger than the limit is still accepted into an empty outbox. Guarded by {@code lock}.
   */
  private boolean stalledPast(int size, java.util.function.LongSupplier nowNanos) {
    long counted = bytes - exemptBytes;
    if (counted == 0) {
      return false;
    }
    if (counted + size > hardMax) {
      return true;
    }
    // The clock is read only past a byte limit: most offers to a busy socket are below them.
    boolean overLimit = sinceProgress + size > maxBytes || counted + size > maxBacklog;
    return overLimit && nowNanos.getAsLong() - sendStartedNanos >= STALL_GRACE_NANOS;
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

  /**
   * Whether the connection is already past its limits without another frame: a send has waited past
   * the grace with more than the limit queued behind it. Checked by the hub's periodic sweep, so a
   * stalled reader is cut even when nothing more is published to it.
   */
  public boolean stalled(long nowNanos) {
    synchronized (lock) {
      return !closed && awaitingTransport && stalledPast(0, () -> nowNanos);
    }
  }

  /**
   * Whether the send in flight was handed to the transport at least {@code timeoutNanos} ago and
   * has not completed: the socket took nothing for that long, or the transport lost the send's
   * callback. Nothing queued behind it can leave, so the caller closes the connection; checked by
   * the hub's periodic sweep, so a send that never completes cannot hold a connection for good.
   */
  public boolean sendOverdue(long nowNanos, long timeoutNanos) {
    synchronized (lock) {
      return !closed
          && (inSend || awaitingTransport)
          && nowNanos - sendStartedNanos >= timeoutNanos;
    }
  }

  /** Whether a send is waiting at the transport: the socket is not draining right now. */
  public boolean awaitingTransport() {
    synchronized (lock) {
      return awaitingTransport;
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

  private static QueuedFrame frameOf(Object queued) {
    return queued instanceof Exempt e ? e.frame() : (QueuedFrame) queued;
  }

  private void pump() {
    int maxBatch = transport.maxBatchBytes();
    while (true) {
      QueuedFrame single = null;
      synchronized (lock) {
        Object o = closed ? null : queue.poll();
        if (o == null) {
          pumping = false;
          return;
        }
        inFlightBytes = 0;
        inFlightExempt = 0;
        take(o);
        single = frameOf(o);
        if (maxBatch > 0 && single.size() < OWN_WRITE_BYTES) {
          while (!queue.isEmpty()) {
            QueuedFrame next = frameOf(queue.peek());
            if (next.size() >= OWN_WRITE_BYTES || inFlightBytes + next.size() > maxBatch) {
              break;
            }
            if (batch.isEmpty()) {
              batch.add(single);
              single = null;
            }
            take(queue.poll());
            batch.add(next);
          }
        }
        inSend = true;
        completedInline = false;
        sendStartedNanos = nanoClock.getAsLong();
      }
      try {
        if (single != null) {
          transport.send(single, sent);
        } else {
          transport.sendBatch(batch, sent);
        }
      } catch (RuntimeException e) {
        onSent(e);
      } finally {
        batch.clear(); // the transport copied what it needed
      }
      synchronized (lock) {
        inSend = false;
        if (!completedInline) {
          awaitingTransport = true;
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

  private void onSent(@Nullable Throwable failure) {
    boolean inline;
    synchronized (lock) {
      bytes -= inFlightBytes;
      exemptBytes -= inFlightExempt;
      inFlightBytes = 0;
      inFlightExempt = 0;
      awaitingTransport = false;
      sinceProgress = 0;
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
