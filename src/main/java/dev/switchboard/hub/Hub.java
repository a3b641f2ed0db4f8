package dev.switchboard.hub;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.Frames;
import dev.switchboard.protocol.Payload;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's local registry of connections and channel subscriptions, and the fan-out of
 * publications from the {@link Broker} to them.
 *
 * <p>Every publish goes through the broker, also on a single node. A publication is encoded to its
 * frame once and the same frame is queued for every local subscriber; a subscriber that cannot
 * keep up is closed by its own outbox, never waited for.
 *
 * <p>Thread-safe. Built once at start-up and handed to the transport adapter; no static state.
 */
public final class Hub implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Hub.class.getName());

  private final HubOptions options;
  private final Broker broker;
  private final HubMetrics metrics = new HubMetrics();
  private final CommandDecoder decoder = new CommandDecoder();
  private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();
  /** Channel to its local subscribers; a channel is present only while it has some. */
  private final Map<String, Set<ClientConnection>> channels = new ConcurrentHashMap<>();
  /** Connection ids are this node's random prefix and a counter: unique across nodes. */
  private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
  private final AtomicLong nextId = new AtomicLong();
  private volatile boolean accepting = true;

  public Hub(HubOptions options, Broker broker) {
    this.options = options;
    this.broker = broker;
    broker.start(this::onPublication);
  }

  /** Registers a newly opened transport and returns its connection. */
  public ClientConnection open(Transport transport) {
    String id = idPrefix + "." + Long.toString(nextId.incrementAndGet(), 36);
    ClientConnection connection = new ClientConnection(id, this, transport, options.outboxMaxBytes());
    connections.put(id, connection);
    metrics.connectionsOpened.increment();
    return connection;
  }

  /**
   * Publishes to {@code channel} through the broker: the same path for client and HTTP publishes.
   * The stage fails when the broker did not accept the publication.
   */
  public CompletionStage<PublishResult> publish(String channel, Payload payload) {
    CompletionStage<PublishResult> result;
    try {
      result = broker.publish(channel, payload);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.thenApply(
        r -> {
          metrics.publishes.increment();
          return r;
        });
  }

  /** The broker's handler: fans a publication out to this node's subscribers. */
  void onPublication(Publication publication) {
    Set<ClientConnection> subscribers = channels.get(publication.channel());
    if (subscribers == null || subscribers.isEmpty()) {
      return;
    }
    OutFrame frame = encode(publication);
    for (ClientConnection c : subscribers) {
      try {
        c.deliver(frame);
      } catch (RuntimeException e) {
        // One broken connection must not cost the others their delivery.
        LOG.log(Level.ERROR, "delivery to " + c.id() + " failed", e);
        c.close(CloseCode.INTERNAL_ERROR, "internal error");
      }
    }
  }

  private static OutFrame encode(Publication p) {
    if (p.payload() instanceof Payload.Json json) {
      return new OutFrame.Text(Frames.publication(p.channel(), json.json()));
    }
    Payload.Binary binary = (Payload.Binary) p.payload();
    return new OutFrame.Binary(BinaryEnvelope.encodePublication(p.channel(), binary.bytes()));
  }

  CompletionStage<Void> addSubscriber(String channel, ClientConnection connection) {
    CompletionStage<Void>[] brokerCall = newStageHolder();
    channels.compute(
        channel,
        (name, set) -> {
          if (set == null) {
            set = ConcurrentHashMap.newKeySet();
            // Inside compute so that broker subscribe/unsubscribe calls for a channel are ordered.
            brokerCall[0] = broker.subscribe(name);
          }
          set.add(connection);
          return set;
        });
    return brokerCall[0] != null ? brokerCall[0] : CompletableFuture.completedFuture(null);
  }

  void removeSubscriber(String channel, ClientConnection connection) {
    channels.computeIfPresent(
        channel,
        (name, set) -> {
          set.remove(connection);
          if (!set.isEmpty()) {
            return set;
          }
          broker.unsubscribe(name)
              .exceptionally(
                  failure -> {
                    LOG.log(Level.WARNING, "broker unsubscribe of " + name + " failed", failure);
                    return null;
                  });
          return null;
        });
  }

  void unregister(ClientConnection connection) {
    if (connections.remove(connection.id()) != null) {
      metrics.connectionsClosed.increment();
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Void>[] newStageHolder() {
    return new CompletionStage[1];
  }

  /** Whether new connections are welcome; false once shutdown has begun. */
  public boolean isAccepting() {
    return accepting;
  }

  /** Begins shutdown: connections opened from now on are closed as going away at once. */
  public void stopAccepting() {
    accepting = false;
  }

  /** Closes every connection with {@code code}; used at shutdown and undeploy. */
  public void closeAll(CloseCode code, String reason) {
    for (ClientConnection c : List.copyOf(connections.values())) {
      c.close(code, reason);
    }
  }

  /** Closes every connection as going away and stops the broker. */
  @Override
  public void close() {
    stopAccepting();
    closeAll(CloseCode.GOING_AWAY, "server shutting down");
    broker.close();
  }

  public int connectionCount() {
    return connections.size();
  }

  public int channelCount() {
    return channels.size();
  }

  /** Subscribers of {@code channel} on this node. */
  public int subscriberCount(String channel) {
    Set<ClientConnection> s = channels.get(channel);
    return s == null ? 0 : s.size();
  }

  /** Bytes waiting in all outboxes together. */
  public long queuedBytes() {
    long total = 0;
    for (ClientConnection c : connections.values()) {
      total += c.queuedBytes();
    }
    return total;
  }

  public boolean isReady() {
    return broker.isReady();
  }

  public String engineName() {
    return broker.name();
  }

  public HubMetrics metrics() {
    return metrics;
  }

  public HubOptions options() {
    return options;
  }

  CommandDecoder decoder() {
    return decoder;
  }
}
