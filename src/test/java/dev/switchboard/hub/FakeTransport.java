package dev.switchboard.hub;

import dev.switchboard.protocol.CloseCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory transport: records what is sent and how it was closed. In auto mode every send
 * completes inline; in held mode sends stay in flight until {@link #completeNext}, like a client
 * that stopped reading. It refuses (fails the test) a binary frame whose buffer is read-only, which
 * a real container would be handed.
 */
final class FakeTransport implements Transport {
  private final List<QueuedFrame> sent = new ArrayList<>();
  private final ArrayDeque<SendCallback> inFlight = new ArrayDeque<>();
  private boolean held;
  private CloseCode closedWith;
  private String closeReason;
  private int maxInFlight;

  static FakeTransport auto() {
    return new FakeTransport();
  }

  static FakeTransport held() {
    FakeTransport t = new FakeTransport();
    t.held = true;
    return t;
  }

  @Override
  public synchronized void send(QueuedFrame frame, SendCallback done) {
    if (frame instanceof QueuedFrame.Binary b && b.view().isReadOnly()) {
      // Some containers (Open Liberty) cannot send a read-only buffer and never call back.
      throw new AssertionError("a read-only buffer would reach the container: " + frame);
    }
    sent.add(frame);
    if (held) {
      inFlight.add(done);
      maxInFlight = Math.max(maxInFlight, inFlight.size());
    } else {
      done.completed(null);
    }
  }

  private int pings;

  @Override
  public synchronized void ping() {
    pings++;
  }

  synchronized int pings() {
    return pings;
  }

  @Override
  public synchronized void close(CloseCode code, String reason) {
    if (closedWith == null) {
      closedWith = code;
      closeReason = reason;
    }
  }

  /** Completes the oldest send in flight. */
  void completeNext() {
    SendCallback cb;
    synchronized (this) {
      cb = inFlight.poll();
    }
    cb.completed(null);
  }

  /** Switches to auto mode: completes the held sends and every later one inline. */
  void release() {
    synchronized (this) {
      held = false;
    }
    SendCallback cb;
    while (true) {
      synchronized (this) {
        cb = inFlight.poll();
      }
      if (cb == null) {
        return;
      }
      cb.completed(null);
    }
  }

  /** Fails the oldest send in flight. */
  void failNext(Throwable failure) {
    SendCallback cb;
    synchronized (this) {
      cb = inFlight.poll();
    }
    cb.completed(failure);
  }

  synchronized List<QueuedFrame> sent() {
    return List.copyOf(sent);
  }

  /** Texts of the text frames sent, in order. */
  synchronized List<String> texts() {
    return sent.stream()
        .filter(f -> f instanceof QueuedFrame.Text)
        .map(f -> ((QueuedFrame.Text) f).text())
        .toList();
  }

  synchronized CloseCode closedWith() {
    return closedWith;
  }

  synchronized String closeReason() {
    return closeReason;
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }

  synchronized int inFlight() {
    return inFlight.size();
  }
}
