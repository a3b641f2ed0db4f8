package dev.switchboard.hub;

import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.Publication;
import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessageEncoder;
import dev.switchboard.protocol.TraceContext;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Delivers what the broker carries to this node's subscriptions, on the channel's fan-out lane: a
 * publication is encoded to its frame once and the same frame is queued for every local subscriber,
 * by channel and by pattern (a connection gets each publication once); presence events likewise; an
 * interrupted engine closes every subscribed connection with 4004.
 */
final class Deliveries implements BrokerHandler {
  private static final System.Logger LOG = System.getLogger(Deliveries.class.getName());

  private final SubscriptionRegistry registry;
  private final FanOut fanOut;

  /** Acts on a node command on this node's connections. */
  private final java.util.function.Consumer<NodeCommand> commands;

  /** The node's hub connections, for an interruption. */
  private final java.util.function.Supplier<Collection<ClientConnection>> connections;

  /** The tracing in use, null when none; asked only for publications that carry a trace. */
  private final java.util.function.Supplier<@Nullable Tracing> tracing;

  Deliveries(
      SubscriptionRegistry registry,
      FanOut fanOut,
      java.util.function.Supplier<Collection<ClientConnection>> connections,
      java.util.function.Consumer<NodeCommand> commands,
      java.util.function.Supplier<@Nullable Tracing> tracing) {
    this.registry = registry;
    this.commands = commands;
    this.fanOut = fanOut;
    this.connections = connections;
    this.tracing = tracing;
  }

  @Override
  public void onPublication(Publication publication) {
    String channel = publication.channel();
    if (!registry.wants(channel)) {
      return;
    }
    fanOut.submit(channel, touched -> fanOut(publication, touched));
  }

  /**
   * Queues {@code publication} for every local subscriber, on its channel's lane: one frame shared
   * by all, and, when it carries a trace, a second one with the trace shared by the subscriptions
   * that asked for it (encoded at most once, on first need).
   *
   * @return the bytes queued for each subscriber, 0 if none were
   */
  private int fanOut(Publication publication, List<ClientConnection> touched) {
    String channel = publication.channel();
    Tracing.FanOutSpan span = publication.trace() == null ? null : fanOutSpan(publication);
    Traced traced = publication.trace() == null ? null : new Traced(publication);
    int delivered = 0;
    QueuedFrame frame = null;
    Set<Subscription> subs = registry.channelSubscribers(channel);
    if (subs != null && !subs.isEmpty()) {
      frame = encode(publication);
      delivered +=
          deliver(
              subs,
              publication.offset(),
              publication.epoch(),
              frame,
              traced,
              publication,
              null,
              touched);
    }
    if (registry.hasPatterns()) {
      // A connection gets each publication once, however many of its subscriptions
      // match it: connections already served are skipped.
      Set<ClientConnection> served = null;
      for (String prefix : SubscriptionRegistry.prefixes(channel)) {
        Set<Subscription> matching = registry.patternSubscribers(prefix);
        if (matching == null || matching.isEmpty()) {
          continue;
        }
        if (served == null) {
          served = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
          if (subs != null) {
            for (Subscription s : subs) {
              served.add(s.connection());
            }
          }
        }
        List<Subscription> fresh = new ArrayList<>(matching.size());
        for (Subscription s : matching) {
          if (served.add(s.connection())) {
            fresh.add(s);
          }
        }
        frame = frame != null ? frame : encode(publication);
        // Offsets of different channels are unrelated: pattern deliveries skip dedup by
        // offset.
        delivered += deliver(fresh, 0, null, frame, traced, publication, null, touched);
      }
    }
    if (span != null) {
      endSpan(span, delivered);
    }
    return frame == null ? 0 : frame.size();
  }

  private Tracing.@Nullable FanOutSpan fanOutSpan(Publication publication) {
    Tracing t = tracing.get();
    if (t == null) {
      return null;
    }
    try {
      return t.fanOut(publication);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "the fan-out span failed", e);
      return null;
    }
  }

  private static void endSpan(Tracing.FanOutSpan span, int delivered) {
    try {
      span.end(delivered);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "the fan-out span failed", e);
    }
  }

  /**
   * The frame with the trace of a publication that carries one, for the subscriptions that asked
   * for traces: encoded on first need, then shared. Confined to the fan-out lane's thread.
   */
  private static final class Traced {
    private final Publication publication;
    private @Nullable QueuedFrame frame;

    Traced(Publication publication) {
      this.publication = publication;
    }

    QueuedFrame frame() {
      QueuedFrame f = frame;
      if (f == null) {
        f = encode(publication, true);
        frame = f;
      }
      return f;
    }
  }

  @Override
  public void onJoin(String channel, ClientInfo client) {
    presenceEvent(channel, client, ServerMessageEncoder::join);
  }

  @Override
  public void onLeave(String channel, ClientInfo client) {
    presenceEvent(channel, client, ServerMessageEncoder::leave);
  }

  @Override
  public void onNodeCommand(NodeCommand command) {
    commands.accept(command);
  }

  @Override
  public void onInterrupted(String reason) {
    // Publications may be missing: every subscribed client reconnects and recovers from its
    // last offset (or learns that it cannot). Connections without subscriptions lost nothing.
    LOG.log(
        Level.WARNING,
        "engine delivery interrupted (" + reason + "): closing subscribed connections with 4004");
    for (ClientConnection c : connections.get()) {
      if (!c.subscriptions().isEmpty()) {
        c.close(CloseCode.ENGINE_INTERRUPTED, "engine interrupted, reconnect and recover");
      }
    }
  }

  private void presenceEvent(
      String channel,
      ClientInfo client,
      java.util.function.BiFunction<String, ClientInfo, String> encoding) {
    if (!registry.hasChannel(channel)) {
      return;
    }
    fanOut.submit(
        channel,
        touched -> {
          Set<Subscription> subs = registry.channelSubscribers(channel);
          if (subs != null && !subs.isEmpty()) {
            QueuedFrame frame = new QueuedFrame.Text(encoding.apply(channel, client));
            // Nobody is told of their own join; attached connections get no presence frames.
            deliver(subs, 0, null, frame, null, null, client.client(), touched);
            return frame.size();
          }
          return 0;
        });
  }

  /**
   * Queues {@code frame} for each subscription, or {@code traced}'s frame for those that asked for
   * traces when it is not null. An attached connection gets {@code publication} in its own format
   * instead (encoded for it here), and no presence frame ({@code publication} null).
   *
   * @return how many subscriptions the frame was queued for
   */
  private int deliver(
      java.util.Collection<Subscription> subs,
      long offset,
      @Nullable String epoch,
      QueuedFrame frame,
      @Nullable Traced traced,
      @Nullable Publication publication,
      @Nullable String skipClient,
      List<ClientConnection> touched) {
    int queued = 0;
    for (Subscription s : subs) {
      ClientConnection c = s.connection();
      if (skipClient != null && skipClient.equals(c.id())) {
        continue;
      }
      boolean own = c.own != null;
      if (own && publication == null) {
        continue;
      }
      try {
        QueuedFrame f =
            own && publication != null
                ? frameFor(c, publication, false)
                : traced != null && s.trace ? traced.frame() : frame;
        Subscription.Delivery result = s.deliver(offset, epoch, f);
        switch (result) {
          case NONE -> {}
          case GAP ->
              s.connection()
                  .missed(s.channel, Objects.requireNonNull(s.gap(), "set before GAP is returned"));
          default -> {
            if (result == Subscription.Delivery.QUEUED) {
              queued++;
            }
            s.connection()
                .afterFanOut(
                    Objects.requireNonNull(result.offer(), "the outbox answered"), touched);
          }
        }
      } catch (RuntimeException e) {
        // One broken connection must not cost the others their delivery.
        LOG.log(Level.ERROR, "delivery to " + s.connection().id() + " failed", e);
        s.connection().close(CloseCode.INTERNAL_ERROR, "internal error");
      }
    }
    return queued;
  }

  /**
   * The frame of a publication for {@code c}: the shared one's encoding (with the trace when {@code
   * trace} and the publication carries one), or its own format's.
   */
  static QueuedFrame frameFor(ClientConnection c, Publication p, boolean trace) {
    OwnProtocol own = c.own;
    return own == null
        ? encode(p, trace)
        : own.publication(p.channel(), p.offset(), p.epoch(), p.payload());
  }

  /** The frame of a publication: encoded once, shared by every subscriber. */
  static QueuedFrame encode(Publication p) {
    return encode(p, false);
  }

  /** The frame of a publication, with its trace context when {@code trace} and it has one. */
  static QueuedFrame encode(Publication p, boolean trace) {
    TraceContext t = trace ? p.trace() : null;
    if (p.payload() instanceof Payload.Json json) {
      return new QueuedFrame.Text(
          ServerMessageEncoder.publication(p.channel(), p.offset(), p.epoch(), json.json(), t));
    }
    Payload.Binary binary = (Payload.Binary) p.payload();
    return new QueuedFrame.Binary(
        BinaryEnvelope.encodePublication(p.channel(), binary.bytes(), p.offset(), p.epoch(), t));
  }
}
