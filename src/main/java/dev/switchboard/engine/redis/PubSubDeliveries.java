package dev.switchboard.engine.redis;

import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.Publication;
import dev.switchboard.log.LogLimiter;
import dev.switchboard.protocol.ChannelName;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What arrives on the node's Pub/Sub link, handed to the hub: canaries are taken out, a channel's
 * messages go to the handler while its subscription is live (or are held by its {@link
 * ChannelStream} while a fill is in progress), and a pattern's only when no channel subscription
 * and no earlier pattern already delivers them (so a message is delivered once); node commands on
 * the control channel go to the handler's {@link BrokerHandler#onNodeCommand}.
 */
final class PubSubDeliveries extends RedisPubSubAdapter<byte[], byte[]> {
  private static final System.Logger LOG = System.getLogger(PubSubDeliveries.class.getName());

  private final int prefixLength;
  private final Canary canary;
  private final byte[] controlChannel;
  private final Map<String, ChannelStream> channelsLive;
  private final NavigableSet<String> patternsLive;
  private final BrokerHandler handler;
  private final LongAdder received;

  /** Whoever can publish to Redis can send garbage: its warnings are limited per kind. */
  private final LogLimiter warnings = LogLimiter.of(LOG);

  /**
   * @param prefixLength bytes before the channel name in a Redis channel
   * @param channelsLive channels whose Redis subscription is confirmed, with their streams (read,
   *     not written here)
   * @param patternsLive likewise for patterns, in order
   * @param received counted once per message dispatched
   */
  PubSubDeliveries(
      int prefixLength,
      Canary canary,
      byte[] controlChannel,
      Map<String, ChannelStream> channelsLive,
      NavigableSet<String> patternsLive,
      BrokerHandler handler,
      LongAdder received) {
    this.prefixLength = prefixLength;
    this.canary = canary;
    this.controlChannel = controlChannel;
    this.channelsLive = channelsLive;
    this.patternsLive = patternsLive;
    this.handler = handler;
    this.received = received;
  }

  @Override
  public void message(byte[] redisChannel, byte[] message) {
    if (canary.take(redisChannel, message)) {
      return;
    }
    if (Arrays.equals(redisChannel, controlChannel)) {
      command(message);
      return;
    }
    String channel = channelOf(redisChannel);
    ChannelStream stream = channelsLive.get(channel);
    if (stream != null) {
      dispatch(channel, message, stream);
    }
  }

  @Override
  public void message(byte[] pattern, byte[] redisChannel, byte[] message) {
    String channel = channelOf(redisChannel);
    if (channelsLive.containsKey(channel)) {
      return; // the channel subscription delivers it
    }
    String p = channelOf(pattern);
    for (String live : patternsLive) {
      if (channel.startsWith(ChannelName.patternPrefix(live))) {
        if (live.equals(p)) {
          dispatch(channel, message, null);
        }
        return; // only the first matching pattern delivers
      }
    }
  }

  private void command(byte[] message) {
    received.increment();
    try {
      NodeCommand command = RedisFormat.command(message);
      if (command == null) {
        warnings.warn(
            "unknown node command", "ignored a node command of an unknown version or kind");
      } else {
        handler.onNodeCommand(command);
      }
    } catch (RuntimeException e) {
      warnings.log(Level.ERROR, "node command failed", () -> "a node command failed", e);
    }
  }

  private String channelOf(byte[] redisChannel) {
    return new String(
        redisChannel, prefixLength, redisChannel.length - prefixLength, StandardCharsets.UTF_8);
  }

  /**
   * Hands a live message to the handler, unless {@code stream} holds it for a fill.
   *
   * @param stream the channel's stream; null for a pattern's delivery (no offsets, nothing held)
   */
  private void dispatch(String channel, byte[] message, @Nullable ChannelStream stream) {
    received.increment();
    try {
      if (message[0] == RedisFormat.JOIN || message[0] == RedisFormat.LEAVE) {
        if (stream == null || stream.pass(message)) {
          deliver(channel, message);
        }
        return;
      }
      Publication p = RedisFormat.publication(channel, message);
      if (p == null) {
        warnings.warn("malformed message", "ignored a malformed message on " + channel);
      } else if (stream == null || stream.pass(p)) {
        handler.onPublication(p);
      }
    } catch (RuntimeException e) {
      failed(channel, e);
    }
  }

  /**
   * Hands a message of {@code channel} to the handler: a {@link Publication} (from a fill, or held)
   * or a raw join/leave message. The caller makes sure that calls for one channel never overlap.
   */
  void deliver(String channel, Object message) {
    try {
      if (message instanceof Publication p) {
        handler.onPublication(p);
      } else {
        byte[] m = (byte[]) message;
        if (m[0] == RedisFormat.JOIN) {
          handler.onJoin(channel, RedisFormat.presence(m));
        } else {
          handler.onLeave(channel, RedisFormat.presence(m));
        }
      }
    } catch (RuntimeException e) {
      failed(channel, e);
    }
  }

  private void failed(String channel, RuntimeException e) {
    warnings.log(
        Level.ERROR, "delivery failed", () -> "delivery of a message on " + channel + " failed", e);
  }
}
