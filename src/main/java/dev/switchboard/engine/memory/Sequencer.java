package dev.switchboard.engine.memory;

import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.Publication;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A queue of events drained by at most one thread at a time: whichever thread wins the flag
 * delivers everything queued, in order. Thread-safe.
 */
final class Sequencer {
  /** Something to hand to the broker's handler. */
  sealed interface Event {
    void deliver(BrokerHandler handler);
  }

  record Published(Publication publication) implements Event {
    @Override
    public void deliver(BrokerHandler handler) {
      handler.onPublication(publication);
    }
  }

  record Joined(String channel, ClientInfo client) implements Event {
    @Override
    public void deliver(BrokerHandler handler) {
      handler.onJoin(channel, client);
    }
  }

  record Left(String channel, ClientInfo client) implements Event {
    @Override
    public void deliver(BrokerHandler handler) {
      handler.onLeave(channel, client);
    }
  }

  final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  void drain(BrokerHandler handler) {
    // Loop until the queue is empty with nobody draining: an event added after our last poll but
    // before we released the flag would otherwise be stranded.
    while (!queue.isEmpty() && draining.compareAndSet(false, true)) {
      try {
        Event e;
        while ((e = queue.poll()) != null) {
          e.deliver(handler);
        }
      } finally {
        draining.set(false);
      }
    }
  }
}
