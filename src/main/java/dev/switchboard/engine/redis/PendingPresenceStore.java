package dev.switchboard.engine.redis;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.PresenceStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The presence store beside a {@link PendingRedisBroker}: every call fails with the broker's {@link
 * RedisUnavailableException} until the broker reached Redis and {@link #attach attached} a {@link
 * RedisPresenceStore} on its link; from then on every call goes to that store.
 *
 * <p>Thread-safe: the store is set once, by the broker's opener thread, in a volatile field.
 */
final class PendingPresenceStore implements PresenceStore {
  /** Why calls fail before the store is attached. */
  private final Supplier<RedisUnavailableException> notYet;

  private volatile @Nullable PresenceStore delegate;

  /** Guarded by {@code this}, with the setting of {@link #delegate}. */
  private boolean closed;

  PendingPresenceStore(Supplier<RedisUnavailableException> notYet) {
    this.notYet = notYet;
  }

  /** The broker reached Redis: presence lives on its link from now on (unless closed already). */
  void attach(RedisBroker broker) {
    synchronized (this) {
      if (!closed) {
        delegate = new RedisPresenceStore(broker);
      }
    }
  }

  @Override
  public CompletionStage<Void> add(String channel, ClientInfo client) {
    PresenceStore d = delegate;
    return d == null ? CompletableFuture.failedFuture(notYet.get()) : d.add(channel, client);
  }

  @Override
  public CompletionStage<Void> remove(String channel, String clientId) {
    PresenceStore d = delegate;
    return d == null ? CompletableFuture.failedFuture(notYet.get()) : d.remove(channel, clientId);
  }

  @Override
  public CompletionStage<List<ClientInfo>> presence(String channel) {
    PresenceStore d = delegate;
    return d == null ? CompletableFuture.failedFuture(notYet.get()) : d.presence(channel);
  }

  @Override
  public void close() {
    PresenceStore d;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      d = delegate;
    }
    if (d != null) {
      d.close();
    }
  }
}
