package dev.switchboard.engine.redis;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.EngineStatus;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.StreamPosition;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.Payload;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The cluster engine: publications travel between nodes through Redis Pub/Sub, histories live in
 * Redis Streams, positions and idempotency keys in Redis keys (see {@link Scripts}).
 *
 * <p>Each node subscribes on Redis only to the channels (and patterns) it has local subscribers
 * for. Redis delivers a node's Pub/Sub messages in publish order on one connection, and the script
 * assigns offsets in that same order, so the handler sees a channel's publications in offset order,
 * one at a time. A publication that matches both a channel subscription and patterns reaches Redis'
 * subscriber once per match; the node hands it to the hub once: from the channel subscription when
 * there is one, else from the first matching pattern.
 *
 * <p>Losses are never silent: when the Pub/Sub link breaks, whatever was published meanwhile did
 * not reach this node, so when it is back every local subscription is interrupted ({@link
 * BrokerHandler#onInterrupted}) and its client recovers from history. A canary published to this
 * node's own channel every {@code canaryInterval} proves the link end to end; while canaries do not
 * come back, or either connection is down, the node is not ready.
 *
 * <p>The interruption is reported only once the node is subscribed again on Redis to everything it
 * wants, confirmed by Redis. Lettuce announces a reconnect as soon as the TCP connection is up,
 * before its own handshake and re-subscription; a report at that moment closed subscribers with
 * 4004 while the node still missed publications, so a client that reconnected at once and recovered
 * on this node was told {@code recovered:true} and then silently missed what was published until
 * the re-subscription took effect. Reporting after the confirmation means a client that reads
 * history after the report misses nothing, and one that read it before is closed by the report.
 */
public final class RedisBroker implements Broker {
  private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());

  private final RedisLink link;
  private final RedisOptions options;
  private final String nodeId =
      Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  private final Canary canary;
  private final ScriptCalls.Script publishScript;
  private final ScriptCalls.Script historyScript;

  /** Node commands' one Pub/Sub channel under the prefix, subscribed by every node. */
  private final byte[] controlChannel;

  /** Channels and patterns the hub asked for; live once Redis confirmed the subscription. */
  private final Set<String> wanted = ConcurrentHashMap.newKeySet();

  private final Set<String> channelsLive = ConcurrentHashMap.newKeySet();
  private final NavigableSet<String> patternsLive = new ConcurrentSkipListSet<>();

  /**
   * Between a break of the Pub/Sub link and the confirmed re-subscription that follows it: the node
   * misses publications and is not ready.
   */
  private volatile boolean pubsubLost;

  /** Breaks of the Pub/Sub link so far; a re-subscription for an earlier break is abandoned. */
  private final AtomicLong breaks = new AtomicLong();

  private volatile @Nullable BrokerHandler handler;
  private volatile boolean closed;

  private final LongAdder interruptions = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder received = new LongAdder();

  /**
   * How long to wait before subscribing again when the re-subscription after a reconnect failed
   * (typically: sent before Lettuce finished its handshake and refused). Short, because the node's
   * subscribers wait for it; a break meanwhile abandons the retries.
   */
  static final long RESUBSCRIBE_RETRY_MILLIS = 50;

  /** A broker on its own link; the link closes with it. */
  public static RedisBroker open(RedisOptions options) {
    return new RedisBroker(RedisLink.open(options));
  }

  RedisBroker(RedisLink link) {
    this.link = link;
    this.options = link.options;
    this.canary = new Canary(link, link.key("k:", nodeId));
    this.controlChannel = link.key("x:", "commands");
    this.publishScript = link.scripts.script(link.cluster ? Scripts.SPUBLISH : Scripts.PUBLISH);
    this.historyScript = link.scripts.script(Scripts.HISTORY);
  }

  /** The link, for a presence store on the same connections. */
  RedisLink link() {
    return link;
  }

  @Override
  public synchronized void start(BrokerHandler handler) {
    this.handler = Objects.requireNonNull(handler);
    link.channels.listen(
        new PubSubDeliveries(
            link.key("c:", "").length,
            canary,
            controlChannel,
            channelsLive,
            patternsLive,
            handler,
            received));
    link.channels.watch(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (!closed) {
              pubsubLost = true;
              breaks.incrementAndGet();
              LOG.log(Level.WARNING, "lost the Pub/Sub link to Redis; reconnecting");
            }
          }

          @Override
          public void onRedisConnected(
              RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (pubsubLost && !closed) {
              long brk = breaks.get();
              LOG.log(
                  Level.WARNING,
                  "Pub/Sub link to Redis is back: subscribing again before interrupting local"
                      + " subscriptions");
              link.timer.execute(() -> resubscribeThenInterrupt(brk, handler));
            }
          }
        });
    link.subscribeNow(controlChannel);
    canary.start();
  }

  /**
   * Subscribes again to every wanted channel and pattern and, once Redis confirmed all of them,
   * reports the interruption (see the class comment). SUBSCRIBE is idempotent on Redis, so this is
   * safe beside Lettuce's own re-subscription; waiting for our confirmation also covers Lettuce's,
   * which was sent earlier on the same connection, or failed. Runs on the timer.
   *
   * @param brk the break this follows; abandoned when the link broke again meanwhile (the next
   *     reconnect starts over)
   * @param handler the handler the broker was started with
   */
  private void resubscribeThenInterrupt(long brk, BrokerHandler handler) {
    if (closed || breaks.get() != brk) {
      return;
    }
    List<byte[]> channels = new ArrayList<>();
    List<byte[]> patterns = new ArrayList<>();
    for (String c : wanted) {
      (ChannelName.isPattern(c) ? patterns : channels).add(link.key("c:", c));
    }
    List<CompletableFuture<Void>> confirmations = new ArrayList<>(2);
    try {
      confirmations.add(link.pubsub.async().subscribe(controlChannel).toCompletableFuture());
      confirmations.add(
          link.channels.subscribe(channels.toArray(byte[][]::new)).toCompletableFuture());
      if (!patterns.isEmpty()) {
        confirmations.add(
            link.channels.psubscribe(patterns.toArray(byte[][]::new)).toCompletableFuture());
      }
    } catch (RuntimeException e) {
      confirmations.add(CompletableFuture.failedFuture(e));
    }
    CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, failure) -> {
              if (closed || breaks.get() != brk) {
                return;
              }
              if (failure != null) {
                LOG.log(
                    Level.DEBUG,
                    () -> "subscribing again failed, retrying: " + RedisLink.rootMessage(failure));
                link.timer.schedule(
                    () -> resubscribeThenInterrupt(brk, handler),
                    RESUBSCRIBE_RETRY_MILLIS,
                    TimeUnit.MILLISECONDS);
                return;
              }
              pubsubLost = false;
              interruptions.increment();
              LOG.log(Level.WARNING, "subscribed again on Redis: interrupting local subscriptions");
              link.timer.execute(
                  () -> {
                    handler.onInterrupted(
                        "the link to Redis broke; publications may have been missed");
                    link.channels.interruptionReported();
                  });
            });
  }

  @Override
  public CompletionStage<PublishResult> publish(String channel, Payload payload, PublishOptions o) {
    if (closed || handler == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("redis engine is not running"));
    }
    if (!o.keepsHistory() && o.idempotencyKey() == null) {
      return counted(
              link.channels.publish(
                  link.key("c:", channel), RedisFormat.plainPublication(payload, o.trace())),
              "publish")
          .thenApply(receivers -> PublishResult.ACCEPTED);
    }
    byte[][] keys = {
      link.key("m:", channel),
      link.key("s:", channel),
      link.key("c:", channel),
      o.idempotencyKey() == null ? new byte[0] : link.key("i:", channel + "|" + o.idempotencyKey())
    };
    byte[][] args = {
      {RedisFormat.kind(payload)},
      RedisFormat.body(payload),
      RedisFormat.ascii(o.historySize()),
      RedisFormat.ascii(o.keepsHistory() ? o.historyTtl().toMillis() : 0),
      RedisFormat.ascii(options.metaTtl().toMillis()),
      RedisFormat.ascii(options.clock().millis()),
      RedisFormat.newEpoch(),
      RedisFormat.ascii(PublishOptions.IDEMPOTENCY_WINDOW.toMillis()),
      RedisFormat.traceArg(o.trace())
    };
    return counted(link.scripts.run(publishScript, keys, args), "publish")
        .thenApply(
            r -> {
              PublishResult result =
                  new PublishResult((Long) r.get(1), RedisFormat.string(r.get(2)), false);
              return ((Long) r.get(0)) == 1 ? result.asRepeat() : result;
            });
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryQuery query) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("redis engine is not running"));
    }
    byte[][] keys = {link.key("m:", channel), link.key("s:", channel)};
    byte[][] args = {
      RedisFormat.ascii(options.clock().millis()),
      RedisFormat.newEpoch(),
      RedisFormat.ascii(options.metaTtl().toMillis()),
      RedisFormat.ascii(query.since() == null ? -1 : query.since().offset()),
      RedisFormat.ascii(query.limit()),
      RedisFormat.ascii(query.reverse() ? 1 : 0)
    };
    return counted(link.scripts.run(historyScript, keys, args), "history")
        .thenApply(
            r -> {
              String epoch = RedisFormat.string(r.get(0));
              return new HistoryResult(
                  RedisFormat.history(channel, r, epoch),
                  new StreamPosition((Long) r.get(1), epoch));
            });
  }

  @Override
  public CompletionStage<Void> publishJoin(String channel, ClientInfo client) {
    return counted(
            link.channels.publish(
                link.key("c:", channel), RedisFormat.presence(RedisFormat.JOIN, client)),
            "join")
        .thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> publishLeave(String channel, ClientInfo client) {
    return counted(
            link.channels.publish(
                link.key("c:", channel), RedisFormat.presence(RedisFormat.LEAVE, client)),
            "leave")
        .thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> broadcast(NodeCommand command) {
    return counted(link.async.publish(controlChannel, RedisFormat.command(command)), "broadcast")
        .thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    wanted.add(channel);
    boolean pattern = ChannelName.isPattern(channel);
    byte[] key = link.key("c:", channel);
    CompletionStage<Void> sent =
        pattern ? link.channels.psubscribe(key) : link.channels.subscribe(key);
    // Runs on the Pub/Sub connection's thread as the confirmation is read, before any message
    // that follows it: from then on this subscription is the one that delivers.
    return RedisLink.plain(
        sent.thenRun(
            () -> {
              if (wanted.contains(channel)) {
                (pattern ? patternsLive : channelsLive).add(channel);
              }
            }),
        "subscribe");
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    wanted.remove(channel);
    boolean pattern = ChannelName.isPattern(channel);
    (pattern ? patternsLive : channelsLive).remove(channel);
    byte[] key = link.key("c:", channel);
    return RedisLink.plain(
        pattern ? link.channels.punsubscribe(key) : link.channels.unsubscribe(key), "unsubscribe");
  }

  @Override
  public boolean isReady() {
    return !closed && handler != null && link.isOpen() && !pubsubLost && canary.healthy();
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public EngineStatus status() {
    return link.state;
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name());
    m.put("ready", isReady());
    m.put("node", nodeId);
    m.put("channels_subscribed", channelsLive.size());
    m.put("patterns_subscribed", patternsLive.size());
    m.put("messages_received", received.sum());
    m.put("failures", failures.sum());
    m.put("interruptions", interruptions.sum());
    m.put("canaries_missed", canary.missed());
    m.put("scripts_resent", link.scripts.resent());
    return m;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    link.release();
  }

  // --- helpers ----------------------------------------------------------------------------------

  private <T> CompletionStage<T> counted(CompletionStage<T> stage, String what) {
    return RedisLink.plain(stage, what)
        .whenComplete(
            (r, failure) -> {
              if (failure != null) {
                failures.increment();
              }
            });
  }
}
