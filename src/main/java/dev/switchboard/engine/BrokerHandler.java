package dev.switchboard.engine;

import java.util.Collection;

/**
 * Receives what a {@link Broker} carries to this node. Implemented by the hub.
 *
 * <p>Threading contract: calls for one channel never overlap and arrive in publication (offset)
 * order; calls for different channels may run in parallel on any thread. Implementations must not
 * block.
 */
public interface BrokerHandler {
  /** A publication to fan out to this node's subscribers of its channel. */
  void onPublication(Publication publication);

  /** Someone subscribed to {@code channel} (on any node). */
  void onJoin(String channel, ClientInfo client);

  /** Someone left {@code channel} (on any node). */
  void onLeave(String channel, ClientInfo client);

  /** A command {@link Broker#broadcast} by some node (this one included), for this node. */
  void onNodeCommand(NodeCommand command);

  /**
   * Publications of any channel may have been missed on this node: the engine lost its state, or a
   * break it could not mend channel by channel. Every local subscription must be told, so its
   * client can recover from history. Never called by a single-node engine; the Redis engine mends a
   * break of its Pub/Sub link from the channels' histories instead and interrupts only what it
   * cannot mend ({@link #onInterrupted(Collection, String)}).
   *
   * <p>Called only once live delivery of every channel this node wants is in place again, so a
   * subscriber that reads history after this call misses nothing; publications that arrived on the
   * mended link before it may still reach subscribers that missed earlier ones (the hub refuses to
   * queue such a gap, see {@code Subscription}).
   */
  void onInterrupted(String reason);

  /**
   * Publications of these channels and patterns may have been missed on this node, and no others:
   * only their local subscriptions must be told, so their clients can recover from history (or
   * learn that it was lost). The Redis engine calls it after a break of its Pub/Sub link for
   * pattern subscriptions (no offsets to read a history from), for channels that keep no history,
   * and for channels whose history could not be read in time. Same promise as {@link
   * #onInterrupted(String)}: live delivery of these is in place again. Calls for one channel do not
   * overlap its deliveries.
   *
   * <p>The default tells every local subscription ({@link #onInterrupted(String)}): more than
   * needed, never less.
   *
   * @param channelsOrPatterns channel names and patterns ({@code orders:*}) as the broker was asked
   *     to subscribe them
   */
  default void onInterrupted(Collection<String> channelsOrPatterns, String reason) {
    onInterrupted(reason);
  }
}
