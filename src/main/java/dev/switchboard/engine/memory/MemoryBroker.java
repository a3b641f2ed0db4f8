package dev.switchboard.engine.memory;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded single-node engine: a publication is handed straight back to this node's hub.
 *
 * <p>Ordering: a channel hashes to one of {@value #STRIPES} sequencers. A sequencer is a queue plus
 * a drain flag: a publisher enqueues, and whichever thread wins the flag delivers queued
 * publications in order. So publications of one channel are delivered in the order they were
 * accepted and never in parallel, without holding a lock while the hub fans out.
 */
public final class MemoryBroker implements Broker {
  /**
   * Number of sequencers. More than the cores of any machine this runs on, so unrelated channels
   * rarely wait for each other; a power of two so the stripe is a mask.
   */
  static final int STRIPES = 64;

  private final Sequencer[] sequencers = new Sequencer[STRIPES];
  private volatile BrokerHandler handler;
  private volatile boolean closed;

  public MemoryBroker() {
    for (int i = 0; i < STRIPES; i++) {
      sequencers[i] = new Sequencer();
    }
  }

  @Override
  public void start(BrokerHandler handler) {
    this.handler = Objects.requireNonNull(handler);
  }

  @Override
  public CompletionStage<PublishResult> publish(String channel, Payload payload) {
    if (closed || handler == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("broker is not running"));
    }
    Sequencer s = sequencers[(channel.hashCode() * 0x9E3779B9 >>> 16) & (STRIPES - 1)];
    s.queue.add(new Publication(channel, payload));
    s.drain(handler);
    return CompletableFuture.completedFuture(PublishResult.ACCEPTED);
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return CompletableFuture.completedFuture(null); // every publication comes back to this node
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public boolean isReady() {
    return !closed && handler != null;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public void close() {
    closed = true;
  }

  /** A publication queue drained by at most one thread at a time. */
  private static final class Sequencer {
    final ConcurrentLinkedQueue<Publication> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean draining = new AtomicBoolean();

    void drain(BrokerHandler handler) {
      // Loop until the queue is empty with nobody draining: an item added after our last poll
      // but before we released the flag would otherwise be stranded.
      while (!queue.isEmpty() && draining.compareAndSet(false, true)) {
        try {
          Publication p;
          while ((p = queue.poll()) != null) {
            handler.onPublication(p);
          }
        } finally {
          draining.set(false);
        }
      }
    }
  }
}
