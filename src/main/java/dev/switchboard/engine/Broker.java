package dev.switchboard.engine;

import dev.switchboard.protocol.Payload;
import java.util.concurrent.CompletionStage;

/**
 * Carries publications to every node with subscribers to their channel, this one included, and
 * keeps each channel's history.
 *
 * <p>The contract every engine meets (tested by {@code BrokerContractTest}):
 *
 * <ul>
 *   <li>In a channel with history, publications get offsets 1, 2, 3... without gaps, with the
 *       channel's epoch; the epoch changes whenever the history may have been lost, and then
 *       offsets start again at 1.
 *   <li>The handler receives a channel's publications in offset order, never in parallel.
 *   <li>A publication appears in the history no later than it reaches the handler, so a reader that
 *       registers for live delivery first and reads history second misses nothing.
 *   <li>History keeps at most {@code historySize} publications, each for at most {@code
 *       historyTtl}; expired entries are freed.
 *   <li>A repeated idempotency key on a channel within {@link PublishOptions#IDEMPOTENCY_WINDOW}
 *       returns the first result and delivers nothing.
 *   <li>Failures are reported through the stages, never as success.
 * </ul>
 *
 * <p>Lifecycle: {@link #start} once before any other call, {@link #close} once at the end. All
 * methods are thread-safe and never block; results may complete on the calling thread or on a
 * broker thread.
 */
public interface Broker extends AutoCloseable {

  /** Starts delivering to {@code handler}. */
  void start(BrokerHandler handler);

  /** Publishes {@code payload} to {@code channel}. */
  CompletionStage<PublishResult> publish(String channel, Payload payload, PublishOptions options);

  /** Reads the history of {@code channel}; also the way to learn its current position. */
  CompletionStage<HistoryResult> history(String channel, HistoryQuery query);

  /** Tells every node's subscribers of {@code channel} that {@code client} joined. */
  CompletionStage<Void> publishJoin(String channel, ClientInfo client);

  /** Tells every node's subscribers of {@code channel} that {@code client} left. */
  CompletionStage<Void> publishLeave(String channel, ClientInfo client);

  /**
   * Sends {@code command} to every node's {@link BrokerHandler#onNodeCommand}, this one included,
   * once each. The stage completes when the engine accepted the command; nodes act on it as it
   * reaches them, asynchronously. A node whose link is down at that moment does not get it.
   */
  CompletionStage<Void> broadcast(NodeCommand command);

  /**
   * This node now has local subscribers of {@code channel}: deliver its publications here. Called
   * by the hub when a channel gains its first local subscriber; calls for one channel are made in
   * order with {@link #unsubscribe}. Live delivery is in place when the stage completes.
   */
  CompletionStage<Void> subscribe(String channel);

  /** This node no longer has local subscribers of {@code channel}. */
  CompletionStage<Void> unsubscribe(String channel);

  /** Whether the broker can accept publications now (feeds the readiness probe). */
  boolean isReady();

  /** A short name for health output and logs, e.g. {@code memory}. */
  String name();

  /** The engine's own numbers for {@code GET /api/stats} (under {@code engine}). */
  default java.util.Map<String, Object> stats() {
    return java.util.Map.of("name", name(), "ready", isReady());
  }

  /** The state of the node's link to the engine's shared service; none for a single-node engine. */
  default EngineStatus status() {
    return EngineStatus.NO_LINK;
  }

  /** Stops delivering and releases resources. Idempotent. */
  @Override
  void close();
}
