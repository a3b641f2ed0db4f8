package dev.switchboard.hub;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A connection's bounded queue of outgoing frames with at most one send in flight.
 *
 * <p>{@link #offer} never blocks: when the queued bytes would pass the limit it returns
 * {@link Offer#OVERFLOW} and the caller closes the connection as a slow consumer. The next frame is
 * sent from the previous send's completion. A completion that runs inline (inside
 * {@link Transport#send}) does not recurse: it only marks itself done and the sending loop goes
 * on, so a fast socket cannot grow the stack.
 *
 * <p>Thread-safe: any thread may offer; the transport may complete sends on any thread.
 */
public final class Outbox {

  /** Outcome of {@link #offer}. */
  public enum Offer {
    QUEUED,
    /** The frame would exceed the byte limit; it was not queued. */
    OVERFLOW,
    /** The outbox is closed; the frame was not queued. */
    CLOSED
  }

  private final Transport transport;
  private final long maxBytes;
  private final Consumer<Throwable> onSendFailure;

  private final Object lock = new Object();
  /** Frames not yet handed to the transport. Guarded by {@code lock}. */
  private final ArrayDeque<OutFrame> queue = new ArrayDeque<>();
  /** Bytes queued plus the frame in flight. Guarded by {@code lock}. */
  private long bytes;
  /** Some thread owns the send loop or a send is in flight. Guarded by {@code lock}. */
  private boolean pumping;
  /** The loop's thread is inside {@link Transport#send}. Guarded by {@code lock}. */
  private boolean inSend;
  /** The current send completed while {@code inSend}. Guarded by {@code lock}. */
  private boolean completedInline;
  /** Guarded by {@code lock}. */
  private boolean closed;

  /**
   * @param maxBytes the most bytes that may wait; one frame larger than this is still accepted
   *     into an empty outbox, so a limit below the maximum message size never wedges a connection
   * @param onSendFailure told once when a send fails; the outbox is closed by then
   */
  public Outbox(Transport transport, long maxBytes, Consumer<Throwable> onSendFailure) {
    this.transport = transport;
    this.maxBytes = maxBytes;
    this.onSendFailure = onSendFailure;
  }

  public Offer offer(OutFrame frame) {
    boolean start;
    synchronized (lock) {
      if (closed) {
        return Offer.CLOSED;
      }
      if (bytes > 0 && bytes + frame.size() > maxBytes) {
        return Offer.OVERFLOW;
      }
      queue.add(frame);
      bytes += frame.size();
      start = !pumping;
      pumping = true;
    }
    if (start) {
      pump();
    }
    return Offer.QUEUED;
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
      int dropped = queue.size();
      for (OutFrame f : queue) {
        bytes -= f.size();
      }
      queue.clear();
      return dropped;
    }
  }

  /** Bytes waiting, including the frame in flight. */
  public long queuedBytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  private void pump() {
    while (true) {
      OutFrame next;
      synchronized (lock) {
        next = closed ? null : queue.poll();
        if (next == null) {
          pumping = false;
          return;
        }
        inSend = true;
        completedInline = false;
      }
      OutFrame sent = next;
      try {
        transport.send(sent, failure -> onSent(sent, failure));
      } catch (RuntimeException e) {
        onSent(sent, e);
      }
      synchronized (lock) {
        inSend = false;
        if (!completedInline) {
          return; // the completion will continue the loop
        }
      }
    }
  }

  private void onSent(OutFrame frame, Throwable failure) {
    boolean inline;
    synchronized (lock) {
      bytes -= frame.size();
      if (failure != null && !closed) {
        closed = true;
        for (OutFrame f : queue) {
          bytes -= f.size();
        }
        queue.clear();
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
