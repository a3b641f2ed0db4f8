package dev.switchboard.engine;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Who is subscribed to each channel, across all nodes. Thread-safe; never blocks; results arrive
 * through the returned stages.
 */
public interface PresenceStore extends AutoCloseable {

  /** Records that {@code client} is in {@code channel} (replacing an earlier entry). */
  CompletionStage<Void> add(String channel, ClientInfo client);

  /** Records that the connection {@code clientId} left {@code channel}. */
  CompletionStage<Void> remove(String channel, String clientId);

  /** Everyone in {@code channel} now. */
  CompletionStage<List<ClientInfo>> presence(String channel);

  @Override
  void close();
}
