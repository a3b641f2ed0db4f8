package dev.switchboard.engine.redis;

import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletionStage;

/** Classic Pub/Sub on one Redis (or a Sentinel-managed primary): see {@link ChannelPubSub}. */
final class ClassicPubSub implements ChannelPubSub {
  private final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
  private final RedisAsyncCommands<byte[], byte[]> commands;

  ClassicPubSub(
      StatefulRedisPubSubConnection<byte[], byte[]> pubsub,
      RedisAsyncCommands<byte[], byte[]> commands) {
    this.pubsub = pubsub;
    this.commands = commands;
  }

  @Override
  public CompletionStage<Void> subscribe(byte[]... channels) {
    return pubsub.async().subscribe(channels);
  }

  @Override
  public CompletionStage<Void> unsubscribe(byte[] channel) {
    return pubsub.async().unsubscribe(channel);
  }

  @Override
  public CompletionStage<Void> psubscribe(byte[]... patterns) {
    return pubsub.async().psubscribe(patterns);
  }

  @Override
  public CompletionStage<Void> punsubscribe(byte[] pattern) {
    return pubsub.async().punsubscribe(pattern);
  }

  @Override
  public CompletionStage<Long> publish(byte[] channel, byte[] message) {
    return commands.publish(channel, message);
  }

  @Override
  public void listen(RedisPubSubListener<byte[], byte[]> listener) {
    pubsub.addListener(listener);
  }

  @Override
  public void watch(RedisConnectionStateListener listener) {
    pubsub.addListener(listener);
  }
}
