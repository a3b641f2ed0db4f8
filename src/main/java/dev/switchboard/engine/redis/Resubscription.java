package dev.switchboard.engine.redis;

import dev.switchboard.protocol.ChannelName;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Subscribes a node again, after its Pub/Sub connection came back, to every channel and pattern it
 * wants and to its own channels (node commands, canaries), until Redis confirmed all of them.
 *
 * <p>SUBSCRIBE is idempotent on Redis, so this is safe beside Lettuce's own re-subscription;
 * waiting for our confirmation also covers Lettuce's, sent earlier on the same connection, or
 * failed. The node's canary channel is subscribed again here too: when Lettuce's own
 * re-subscription of it was refused (sent before its handshake after a Redis restart), canaries
 * never came back and the node stayed not ready for good.
 */
final class Resubscription {
  private static final System.Logger LOG = System.getLogger(Resubscription.class.getName());

  /**
   * How long to wait before subscribing again when the re-subscription after a reconnect failed
   * (typically: sent before Lettuce finished its handshake and refused). Short, because the node's
   * subscribers wait for it; a break meanwhile abandons the retries.
   */
  static final long RETRY_MILLIS = 50;

  private final RedisLink link;
  private final Set<String> wanted;
  private final List<byte[]> ownChannels;

  /**
   * @param wanted the channels and patterns the hub asked for (read when subscribing again)
   * @param ownChannels channels always subscribed besides the wanted ones
   */
  Resubscription(RedisLink link, Set<String> wanted, List<byte[]> ownChannels) {
    this.link = link;
    this.wanted = wanted;
    this.ownChannels = List.copyOf(ownChannels);
  }

  /**
   * Subscribes again, retrying, and runs {@code confirmed} on the Pub/Sub connection's thread once
   * Redis confirmed everything, before any message that follows the confirmation is read. Runs on
   * the timer.
   *
   * @param abandoned true once this re-subscription is for an earlier break, or the link closed:
   *     then nothing more is done (the next reconnect starts over)
   */
  void run(BooleanSupplier abandoned, Runnable confirmed) {
    if (abandoned.getAsBoolean()) {
      return;
    }
    List<byte[]> channels = new ArrayList<>();
    List<byte[]> patterns = new ArrayList<>();
    for (String c : wanted) {
      (ChannelName.isPattern(c) ? patterns : channels).add(link.key("c:", c));
    }
    List<CompletableFuture<Void>> confirmations = new ArrayList<>(3);
    try {
      // The node's own channels always on classic Pub/Sub; the hub's through the link's channel
      // Pub/Sub, sharded on a cluster.
      confirmations.add(
          link.pubsub.async().subscribe(ownChannels.toArray(byte[][]::new)).toCompletableFuture());
      if (!channels.isEmpty()) {
        confirmations.add(
            link.channels.subscribe(channels.toArray(byte[][]::new)).toCompletableFuture());
      }
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
              if (abandoned.getAsBoolean()) {
                return;
              }
              if (failure == null) {
                confirmed.run();
                return;
              }
              LOG.log(
                  Level.DEBUG,
                  () -> "subscribing again failed, retrying: " + RedisLink.rootMessage(failure));
              try {
                link.timer.schedule(
                    () -> run(abandoned, confirmed), RETRY_MILLIS, TimeUnit.MILLISECONDS);
              } catch (RejectedExecutionException e) {
                // the link was released
              }
            });
  }
}
