package dev.switchboard.hub;

import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.Publication;
import dev.switchboard.log.LogLimiter;
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
 * interrupted engine closes every subscribed connection with 4004, an interruption of some channels
 * or patterns only their subscribers' connections ({@link Interruptions}).
 */
final class Deliveries implements BrokerHandler {
  private static final System.Logger LOG = System.getLogger(Deliveries.class.getName());

  /** A bug on the delivery path fails for every subscriber at once: limited, not a trace each. */
  private final LogLimiter errors = LogLimiter.of(LOG);

  private final SubscriptionRegistry registry;
  private final FanOut fanOut;

  /** Reads the hand-off and flush times of publications. */
  private final HubClock clock;

  /** The hub's counters; each publication's hand-off-to-flush time goes to its histogram. */
  private final HubMetrics metrics;

  /** Acts on a node command on this node's connections. */
  private final java.util.function.Consumer<NodeCommand> commands;

  /** The node's hub connections, for an interruption. */
  private final java.util.function.Supplier<Collection<ClientConnection>> connections;

  /** The tracing in use, null when none; asked only for publications that carry a trace. */
  private final java.util.function.Supplier<@Nullable Tracing> tracing;

  Deliveries(
      HubParts parts,
      FanOut fanOut,
      java.util.function.Supplier<Collection<ClientConnection>> connections,
      java.util.function.Consumer<NodeCommand> commands,
      java.util.function.Supplier<@Nullable Tracing> tracing) {
    this.registry = parts.registry();
    this.clock = parts.clock();
    this.metrics = parts.metrics();
    fanOut.timeWith(clock);
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
    fanOut.submit(
        channel,
        metrics.latencyMeasured()
            ? new PublicationTask(publication, true, clock.nanoTime())
            : new PublicationTask(publication, false, 0));
  }

  /**
   * A publication's fan-out on its lane. Its latency runs from the broker's hand-off to this node
   * ({@link #onPublication}) to the end of the round that queued it for every local subscriber and
   * started their outboxes' flushes: once per publication, never per delivery, and the round's end
   * is read once for all the publications it carried.
   */
  private final class PublicationTask implements FanOut.Task {
    private final Publication publication;

    /** Whether the latency is recorded (metrics are on); if not, no clock is read. */
    private final boolean timed;

    private final long handedNanos;

    PublicationTask(Publication publication, boolean timed, long handedNanos) {
      this.publication = publication;
      this.timed = timed;
      this.handedNanos = handedNanos;
    }

    @Override
    public int run(List<ClientConnection> touched) {
      return fanOut(publication, touched);
    }

    @Override
    public boolean timed() {
      return timed;
    }

    @Override
    public void flushed(long roundEndNanos) {
      metrics.deliveryLatency.record(roundEndNanos - handedNanos);
    }
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
    QueuedFrame frame = null;
    Tally tally = new Tally();
    Subscribers subs = registry.channelSubscribers(channel);
    if (subs != null && !subs.isEmpty()) {
      subs.published();
      frame = encode(publication);
      deliver(
          subs,
          publication.offset(),
          publication.epoch(),
          frame,
          traced,
          publication,
          null,
          touched,
          tally);
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
        deliver(fresh, 0, null, frame, traced, publication, null, touched, tally);
      }
    }
    if (frame != null) {
      NamespaceCounters.Counters ns =
          subs != null ? subs.namespace() : registry.counters().of(channel);
      ns.deliveries.add(tally.queued);
      ns.dropped.add(tally.dropped);
    }
    if (span != null) {
      endSpan(span, tally.queued);
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

  @Override
  public void onInterrupted(Collection<String> channelsOrPatterns, String reason) {
    Interruptions.close(registry, channelsOrPatterns, reason);
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
            deliver(subs, 0, null, frame, null, null, client.client(), touched, new Tally());
            return frame.size();
          }
          return 0;
        });
  }

  /**
   * Queues {@code frame} for each subscription, or {@code traced}'s frame for those that asked for
   * traces when it is not null. An attached connection gets {@code publication} in its own format
   * instead (encoded for it here), and no presence frame ({@code publication} null). Counts into
   * {@code tally} what was queued and what was not.
   */
  private void deliver(
      java.util.Collection<Subscription> subs,
      long offset,
      @Nullable String epoch,
      QueuedFrame frame,
      @Nullable Traced traced,
      @Nullable Publication publication,
      @Nullable String skipClient,
      List<ClientConnection> touched,
      Tally tally) {
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
          case GAP -> {
            tally.dropped++;
            s.connection()
                .missed(s.channel, Objects.requireNonNull(s.gap(), "set before GAP is returned"));
          }
          default -> {
            if (result == Subscription.Delivery.QUEUED) {
              tally.queued++;
            } else {
              tally.dropped++;
            }
            s.connection()
                .afterFanOut(
                    Objects.requireNonNull(result.offer(), "the outbox answered"), touched);
          }
        }
      } catch (RuntimeException e) {
        // One broken connection must not cost the others their delivery.
        ClientConnection failed = s.connection();
        errors.log(
            Level.ERROR, "delivery failed", () -> "delivery to " + failed.id() + " failed", e);
        s.connection().close(CloseCode.INTERNAL_ERROR, "internal error");
      }
    }
  }

  /**
   * What one fan-out task queued and could not queue, added to its namespace's counters once the
   * task is done: two increments per publication instead of one per delivery. Used by one lane
   * thread at a time, never shared.
   */
  private static final class Tally {
    int queued;
    int dropped;
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
