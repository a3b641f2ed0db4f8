package dev.switchboard.engine.memory;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.PresenceStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Presence of one node, in memory. A channel's entry disappears with its last client. */
public final class MemoryPresenceStore implements PresenceStore {
  /** Channel to clients by connection id, in joining order. Each map guarded by compute. */
  private final Map<String, Map<String, ClientInfo>> channels = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> add(String channel, ClientInfo client) {
    channels.compute(
        channel,
        (name, clients) -> {
          Map<String, ClientInfo> m = clients == null ? new LinkedHashMap<>() : clients;
          m.put(client.client(), client);
          return m;
        });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> remove(String channel, String clientId) {
    channels.computeIfPresent(
        channel,
        (name, clients) -> {
          clients.remove(clientId);
          return clients.isEmpty() ? null : clients;
        });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<List<ClientInfo>> presence(String channel) {
    List<ClientInfo>[] copy = newListHolder();
    channels.computeIfPresent(
        channel,
        (name, clients) -> {
          copy[0] = List.copyOf(clients.values());
          return clients;
        });
    return CompletableFuture.completedFuture(copy[0] == null ? List.of() : copy[0]);
  }

  /** Channels with anyone present (for tests). */
  public int channelCount() {
    return channels.size();
  }

  @Override
  public void close() {
    channels.clear();
  }

  @SuppressWarnings("unchecked")
  private static List<ClientInfo>[] newListHolder() {
    return new List[1];
  }
}
