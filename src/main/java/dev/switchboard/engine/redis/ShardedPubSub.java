package dev.switchboard.engine.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.Disposable;

/**
 * Sharded Pub/Sub on a Redis Cluster (see {@link ChannelPubSub}): each channel is subscribed with
 * SSUBSCRIBE on a Pub/Sub connection of its own to the primary that owns the channel's slot, and
 * published with SPUBLISH, so a publication travels only within its shard instead of over the whole
 * cluster bus.
 *
 * <p>Lettuce 7.7 re-subscribes a node connection's shard channels when that same connection
 * reconnects, but not elsewhere when the slots move (a failover promotes a replica, a resharding
 * moves slots): the subscriptions stay with the old, perhaps dead, primary. So this class watches
 * the topology Lettuce refreshes (periodically and on redirects and reconnect attempts) and, when
 * the primaries' slots changed or a shard's connection broke, reports a break and a reconnect to
 * its watchers: the broker subscribes again, each channel where its slot is now, and interrupts its
 * subscriptions, as after a break of a classic Pub/Sub link.
 *
 * <p>Thread-safe: the maps are concurrent; listeners are called on Lettuce's threads.
 */
final class ShardedPubSub implements ChannelPubSub {
  private static final System.Logger LOG = System.getLogger(ShardedPubSub.class.getName());

  private final RedisClusterClient client;
  private final StatefulRedisClusterPubSubConnection<byte[], byte[]> pubsub;
  private final StatefulRedisClusterConnection<byte[], byte[]> commands;

  /** Node id -> a Pub/Sub connection to that primary, opening or open. */
  private final Map<String, CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>>>
      shards = new ConcurrentHashMap<>();

  /** The connections that carry {@link #shardListener}, each once. */
  private final Set<StatefulRedisPubSubConnection<byte[], byte[]>> wired =
      Collections.newSetFromMap(new ConcurrentHashMap<>());

  /** A subscribed channel (its bytes as ISO-8859-1) -> the node id it was subscribed on. */
  private final Map<String, String> subscribedOn = new ConcurrentHashMap<>();

  private final List<RedisPubSubListener<byte[], byte[]>> listeners = new CopyOnWriteArrayList<>();
  private final List<RedisConnectionStateListener> watchers = new CopyOnWriteArrayList<>();
  private final ShardListener shardListener = new ShardListener();

  /** Which primary serves which slots, as last seen: node id -> slots. */
  private volatile Map<String, List<Integer>> layout;

  private final Disposable topologyEvents;

  ShardedPubSub(
      RedisClusterClient client,
      StatefulRedisClusterPubSubConnection<byte[], byte[]> pubsub,
      StatefulRedisClusterConnection<byte[], byte[]> commands) {
    this.client = client;
    this.pubsub = pubsub;
    this.commands = commands;
    this.layout = layout(client.getPartitions().getPartitions());
    this.topologyEvents =
        client
            .getResources()
            .eventBus()
            .get()
            .filter(ClusterTopologyChangedEvent.class::isInstance)
            .subscribe(e -> topologyChanged(((ClusterTopologyChangedEvent) e).after()));
  }

  @Override
  public CompletionStage<Void> subscribe(byte[]... channels) {
    List<CompletableFuture<Void>> all = new ArrayList<>(channels.length);
    for (byte[] channel : channels) {
      all.add(subscribeOne(channel));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> subscribeOne(byte[] channel) {
    String node;
    try {
      node = client.getPartitions().getMasterBySlot(SlotHash.getSlot(channel)).getNodeId();
    } catch (RuntimeException e) {
      client.refreshPartitionsAsync();
      return CompletableFuture.failedFuture(e);
    }
    subscribedOn.put(name(channel), node);
    return shard(node)
        .thenCompose(c -> c.async().ssubscribe(channel))
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                shards.remove(node); // opened afresh on the next try
                client.refreshPartitionsAsync(); // perhaps the slot moved
              }
            });
  }

  @Override
  public CompletionStage<Void> unsubscribe(byte[] channel) {
    String node = subscribedOn.remove(name(channel));
    CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> shard =
        node == null ? null : shards.get(node);
    if (shard == null) {
      return CompletableFuture.completedFuture(null);
    }
    return shard.thenCompose(c -> c.async().sunsubscribe(channel));
  }

  @Override
  public CompletionStage<Void> psubscribe(byte[]... patterns) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            "pattern subscriptions are not available on a Redis Cluster: sharded Pub/Sub has no"
                + " patterns"));
  }

  @Override
  public CompletionStage<Void> punsubscribe(byte[] pattern) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Long> publish(byte[] channel, byte[] message) {
    return commands.async().spublish(channel, message);
  }

  @Override
  public void listen(RedisPubSubListener<byte[], byte[]> listener) {
    pubsub.addListener(listener); // node commands and the node's canary
    listeners.add(listener);
  }

  @Override
  public void watch(RedisConnectionStateListener listener) {
    pubsub.addListener(listener);
    watchers.add(listener);
  }

  @Override
  public void close() {
    topologyEvents.dispose();
  }

  /** The connection to primary {@code node}, opened (and given the listener) on first use. */
  private CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> shard(String node) {
    CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> f =
        shards.computeIfAbsent(
            node,
            id ->
                pubsub
                    .getConnectionAsync(id)
                    .thenApply(
                        c -> {
                          if (wired.add(c)) {
                            c.addListener((RedisPubSubListener<byte[], byte[]>) shardListener);
                            c.addListener((RedisConnectionStateListener) shardListener);
                          }
                          return c;
                        }));
    return f;
  }

  private void topologyChanged(List<RedisClusterNode> nodes) {
    Map<String, List<Integer>> now = layout(nodes);
    if (now.equals(layout)) {
      return;
    }
    layout = now;
    connectPrimaries(client, commands);
    LOG.log(Level.WARNING, "the cluster's slots moved: subscribing again where they are now");
    RedisChannelHandler<?, ?> handler = (RedisChannelHandler<?, ?>) pubsub;
    for (RedisConnectionStateListener w : watchers) {
      w.onRedisDisconnected(handler);
    }
    for (RedisConnectionStateListener w : watchers) {
      w.onRedisConnected(handler, null);
    }
  }

  /**
   * Opens the command connections to every primary now. Lettuce opens a node's connection on the
   * first command for it, and that command is refused ("not connected") when the connection is not
   * up by the time it is written, as the link refuses commands while disconnected.
   */
  static void connectPrimaries(
      RedisClusterClient client, StatefulRedisClusterConnection<byte[], byte[]> commands) {
    for (RedisClusterNode n : client.getPartitions().getPartitions()) {
      if (!n.getSlots().isEmpty()) {
        commands.getConnectionAsync(n.getUri().getHost(), n.getUri().getPort());
      }
    }
  }

  /** The primaries that serve slots, with their slots. */
  private static Map<String, List<Integer>> layout(List<RedisClusterNode> nodes) {
    Map<String, List<Integer>> m = new TreeMap<>();
    for (RedisClusterNode n : nodes) {
      if (!n.getSlots().isEmpty()) {
        m.put(n.getNodeId(), List.copyOf(n.getSlots()));
      }
    }
    return m;
  }

  private static String name(byte[] channel) {
    return new String(channel, StandardCharsets.ISO_8859_1);
  }

  /**
   * {@code P c:{name}} as {@code P c:name}: the hash tag is the first {@code {} and the first
   * {@code }} after it, both put there by {@link RedisLink#key}.
   */
  static byte[] untagged(byte[] channel) {
    int open = indexOf(channel, (byte) '{', 0);
    int close = open < 0 ? -1 : indexOf(channel, (byte) '}', open + 1);
    if (close < 0) {
      return channel;
    }
    byte[] out = new byte[channel.length - 2];
    System.arraycopy(channel, 0, out, 0, open);
    System.arraycopy(channel, open + 1, out, open, close - open - 1);
    System.arraycopy(channel, close + 1, out, close - 1, channel.length - close - 1);
    return out;
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** On every shard connection: its messages to the listeners, its breaks to the watchers. */
  private final class ShardListener extends RedisPubSubAdapter<byte[], byte[]>
      implements RedisConnectionStateListener {
    @Override
    public void smessage(byte[] shardChannel, byte[] message) {
      byte[] channel = untagged(shardChannel);
      for (RedisPubSubListener<byte[], byte[]> l : listeners) {
        l.message(channel, message);
      }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      // The broker's channel streams hold live messages from here until they are filled.
      for (RedisConnectionStateListener w : watchers) {
        w.onRedisDisconnected(connection);
      }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
      for (RedisConnectionStateListener w : watchers) {
        w.onRedisConnected(connection, address);
      }
    }
  }
}
