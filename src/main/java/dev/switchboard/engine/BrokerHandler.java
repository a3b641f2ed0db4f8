package dev.switchboard.engine;

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
   * Publications may have been missed on this node: its link to the other nodes broke and was
   * restored (or the engine lost its state). Every local subscription must be told, so its client
   * can recover from history. Never called by a single-node engine.
   *
   * <p>Called only once live delivery of every channel this node wants is in place again, so a
   * subscriber that reads history after this call misses nothing; publications that arrived on the
   * mended link before it may still reach subscribers that missed earlier ones (the hub refuses to
   * queue such a gap, see {@code Subscription}).
   */
  void onInterrupted(String reason);
}
