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
import java.net.SocketAddress;
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
 * <p>Losses are never silent, and a blip of the Pub/Sub link is not a mass reconnect. Whatever was
 * published while the link was down did not reach this node; each channel's {@link ChannelStream}
 * remembers the position up to which the node dispatched, and once the node is subscribed again,
 * confirmed by Redis, {@link StreamFills} reads what was missed from each channel's history and
 * dispatches it before the live messages held meanwhile. Only what history cannot cover is
 * interrupted, channel by channel ({@link BrokerHandler#onInterrupted(java.util.Collection,
 * String)}): pattern subscriptions, channels without history, and channels whose history could not
 * be read; a lost history (new epoch) or one trimmed past the node's position is dispatched as it
 * is, and the hub's gap check closes exactly the subscribers that missed something. A canary
 * published to this node's own channel every {@code canaryInterval} proves the link end to end;
 * while canaries do not come back, or either connection is down, or the node is not subscribed
 * again after a break, the node is not ready.
 *
 * <p>The fills start only once the node is subscribed again on Redis to everything it wants,
 * confirmed by Redis. Lettuce announces a reconnect as soon as the TCP connection is up, before its
 * own handshake and re-subscription; a fill (or, before fills, an interruption) started then would
 * read a position while the node still missed publications that follow it. Live messages of a
 * channel are held from the break on, so none of them is dispatched before the fill that precedes
 * it.
 */
public final class RedisBroker implements Broker {
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

  /** Channels whose Redis subscription is confirmed, each with its place in its stream. */
  private final Map<String, ChannelStream> channelsLive = new ConcurrentHashMap<>();

  private final NavigableSet<String> patternsLive = new ConcurrentSkipListSet<>();

  /** Mends breaks of the Pub/Sub link from the channels' histories. */
  private final StreamFills fills;

  private volatile @Nullable BrokerHandler handler;
  private volatile boolean closed;

  private final LongAdder failures = new LongAdder();
  private final LongAdder received = new LongAdder();

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
    this.fills =
        new StreamFills(
            link, wanted, channelsLive, patternsLive, List.of(controlChannel, canary.channel()));
  }

  /** The link, for a presence store on the same connections. */
  RedisLink link() {
    return link;
  }

  @Override
  public synchronized void start(BrokerHandler handler) {
    this.handler = Objects.requireNonNull(handler);
    PubSubDeliveries deliveries =
        new PubSubDeliveries(
            link.key("c:", "").length,
            canary,
            controlChannel,
            channelsLive,
            patternsLive,
            handler,
            received);
    fills.start(handler, deliveries);
    link.channels.listen(deliveries);
    link.channels.watch(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            fills.broke();
          }

          @Override
          public void onRedisConnected(
              RedisChannelHandler<?, ?> connection, SocketAddress address) {
            fills.reconnected();
          }
        });
    link.subscribeNow(controlChannel);
    canary.start();
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
    boolean pattern = ChannelName.isPattern(channel);
    if (pattern && link.cluster) { // refused as not possible (112), not as unavailable (109)
      return CompletableFuture.failedFuture(
          new UnsupportedOperationException(
              "pattern subscriptions are not available on a Redis Cluster (no sharded patterns)"));
    }
    wanted.add(channel);
    byte[] key = link.key("c:", channel);
    CompletionStage<Void> sent =
        pattern ? link.channels.psubscribe(key) : link.channels.subscribe(key);
    // Runs on the Pub/Sub connection's thread as the confirmation is read, before any message
    // that follows it: from then on this subscription is the one that delivers.
    return RedisLink.plain(
        sent.thenRun(
            () -> {
              if (!wanted.contains(channel)) {
                return;
              }
              if (pattern) {
                patternsLive.add(channel);
                return;
              }
              ChannelStream stream = new ChannelStream();
              if (channelsLive.putIfAbsent(channel, stream) == null) {
                stream.readFloor(link, channel);
              }
            }),
        "subscribe");
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    wanted.remove(channel);
    boolean pattern = ChannelName.isPattern(channel);
    if (pattern) {
      patternsLive.remove(channel);
    } else {
      channelsLive.remove(channel);
    }
    byte[] key = link.key("c:", channel);
    return RedisLink.plain(
        pattern ? link.channels.punsubscribe(key) : link.channels.unsubscribe(key), "unsubscribe");
  }

  @Override
  public boolean isReady() {
    return !closed && handler != null && link.isOpen() && !fills.mending() && canary.healthy();
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
    fills.counters(m);
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
    fills.close();
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
