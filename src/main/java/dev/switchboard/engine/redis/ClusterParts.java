package dev.switchboard.engine.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a link to a Redis Cluster, {@code
 * redis-cluster://[[user]:password@]host1:port1,host2:port2} (seed nodes; the rest is discovered):
 * a cluster command connection, a cluster Pub/Sub connection whose default node carries classic
 * Pub/Sub (node commands, the node's canary), and {@link ShardedPubSub} for channels.
 */
final class ClusterParts {
  static final String SCHEME = "redis-cluster://";

  /**
   * How often Lettuce re-reads the slots even when nothing hints at a change. A failover is usually
   * noticed sooner, by the adaptive triggers (persistent reconnects, redirects).
   */
  static final Duration PERIODIC_REFRESH = Duration.ofSeconds(5);

  /**
   * The least time between two refreshes from adaptive triggers. Lettuce's default (30 s) would let
   * the first trigger, fired as a primary dies and before its replica is promoted, hold off the
   * refresh that sees the promotion for half a minute, while this node's subscribers on that shard
   * wait.
   */
  static final Duration ADAPTIVE_REFRESH_SPACING = Duration.ofSeconds(1);

  private ClusterParts() {}

  static boolean isCluster(String uri) {
    return uri.startsWith(SCHEME);
  }

  static RedisLink.Parts open(RedisOptions options, String tag) {
    List<RedisURI> seeds = seeds(options);
    RedisClusterClient client = RedisClusterClient.create(RedisLink.resources(), seeds);
    ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
    builder.replayFilter(command -> true); // never resend a command whose outcome is unknown
    client.setOptions(
        builder
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(options.timeout()))
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(PERIODIC_REFRESH)
                    .enableAllAdaptiveRefreshTriggers()
                    .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_SPACING)
                    .refreshTriggersReconnectAttempts(2)
                    .build())
            .build());
    try {
      StatefulRedisClusterConnection<byte[], byte[]> commands =
          client.connect(ByteArrayCodec.INSTANCE);
      StatefulRedisClusterPubSubConnection<byte[], byte[]> pubsub =
          client.connectPubSub(ByteArrayCodec.INSTANCE);
      for (RedisClusterNode n : client.getPartitions().getPartitions()) {
        if (!n.getSlots().isEmpty()) {
          // up before the first command: see ShardedPubSub.connectPrimaries
          commands.getConnection(n.getUri().getHost(), n.getUri().getPort());
        }
      }
      return new RedisLink.Parts(
          client,
          commands,
          commands.async(),
          pubsub,
          new ClusterScripts(client, commands, tag),
          new ShardedPubSub(client, pubsub, commands),
          true);
    } catch (RuntimeException e) {
      RedisLink.shutdown(client);
      throw RedisLink.unavailable(options, e);
    }
  }

  private static List<RedisURI> seeds(RedisOptions options) {
    String rest = options.uri().substring(SCHEME.length());
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      rest = rest.substring(0, slash); // a cluster has only database 0
    }
    String credentials = "";
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      credentials = rest.substring(0, at + 1);
      rest = rest.substring(at + 1);
    }
    List<RedisURI> seeds = new ArrayList<>();
    for (String node : rest.split(",")) {
      if (node.isBlank()) {
        continue;
      }
      try {
        RedisURI uri = RedisURI.create("redis://" + credentials + node.trim());
        uri.setTimeout(options.timeout());
        seeds.add(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "not a Redis Cluster URI: "
                + RedisLink.redacted(options.uri())
                + " ("
                + e.getMessage()
                + ")",
            e);
      }
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException(
          "a Redis Cluster URI names at least one node: " + SCHEME + "host1:port1,host2:port2");
    }
    return seeds;
  }
}
