package dev.switchboard.engine.redis;

import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubListener;
import java.util.concurrent.CompletionStage;

/**
 * How a node publishes and subscribes its channels' Redis Pub/Sub channels ({@code P c:name}):
 * classic Pub/Sub on one Redis ({@link ClassicPubSub}), sharded Pub/Sub on a Redis Cluster ({@link
 * ShardedPubSub}), where a publication only travels within the shard that owns its channel's slot.
 * Node commands and the node's canary always use classic Pub/Sub on {@link RedisLink#pubsub}.
 *
 * <p>Thread-safe. Every stage completes when Redis confirmed (or refused) the command.
 */
interface ChannelPubSub {
  /** Subscribes to channels, completing once Redis confirmed every one. */
  CompletionStage<Void> subscribe(byte[]... channels);

  CompletionStage<Void> unsubscribe(byte[] channel);

  /** Subscribes to patterns; fails on a cluster, where sharded Pub/Sub has none. */
  CompletionStage<Void> psubscribe(byte[]... patterns);

  CompletionStage<Void> punsubscribe(byte[] pattern);

  /** Publishes outside a script (no history); the count of receivers, as Redis tells it. */
  CompletionStage<Long> publish(byte[] channel, byte[] message);

  /**
   * Hands everything received to {@code listener}: classic messages and pattern messages, and on a
   * cluster the shards' messages as if they were classic ones on the untagged channel name.
   */
  void listen(RedisPubSubListener<byte[], byte[]> listener);

  /**
   * Tells {@code listener} when the link that carries channel messages breaks and when it is back.
   * On a cluster also when a shard's link breaks or the slots move to other primaries (a failover,
   * a resharding): reported as a break followed by a reconnect, so that the broker subscribes again
   * where the slots now are and interrupts its subscriptions.
   */
  void watch(RedisConnectionStateListener listener);

  /** Stops watching; the connections are closed by their link. */
  default void close() {}
}
