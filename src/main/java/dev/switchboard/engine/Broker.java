package dev.switchboard.engine;

import dev.switchboard.protocol.Payload;
import java.util.concurrent.CompletionStage;

/**
 * Carries publications to every node with subscribers to their channel, this one included.
 *
 * <p>Lifecycle: {@link #start} once before any other call, {@link #close} once at the end. All
 * methods are thread-safe and never block; results arrive through the returned stages, which may
 * complete on the calling thread or on a broker thread.
 */
public interface Broker extends AutoCloseable {

  /** Starts delivering publications to {@code handler}. */
  void start(BrokerHandler handler);

  /**
   * Publishes {@code payload} to {@code channel}. The stage completes when the broker has accepted
   * the publication and fails, never silently, when it could not.
   */
  CompletionStage<PublishResult> publish(String channel, Payload payload);

  /**
   * This node now has local subscribers of {@code channel}: deliver its publications here. Called
   * by the hub when a channel gains its first local subscriber; calls for one channel are made in
   * order with {@link #unsubscribe}.
   */
  CompletionStage<Void> subscribe(String channel);

  /** This node no longer has local subscribers of {@code channel}. */
  CompletionStage<Void> unsubscribe(String channel);

  /** Whether the broker can accept publications now (feeds the readiness probe). */
  boolean isReady();

  /** A short name for health output and logs, e.g. {@code memory}. */
  String name();

  /** Stops delivering and releases resources. Idempotent. */
  @Override
  void close();
}
