package dev.switchboard.engine.redis;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.EngineStatus;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The Redis engine of a node that started while Redis was unreachable: it answers as a {@link
 * RedisBroker} does while Redis is down, connects in the background ({@link LinkOpener}) and, once
 * Redis answers, hands every call to a real {@link RedisBroker} started with the hub's handler.
 *
 * <p>Until then the node is not ready, and every call that needs Redis fails at once with a {@link
 * RedisUnavailableException} saying Redis is not reachable yet (the hub answers error 109), like a
 * connected broker's calls during an outage. That includes {@link #subscribe}: the hub withdraws a
 * subscription whose broker subscription failed (the client gets error 109 and may subscribe
 * again), so there is nothing to subscribe on Redis later, and a subscription is never reported
 * live while this node would miss what other nodes publish to it.
 *
 * <p>Thread-safe. The switch to the real broker is one volatile write made after the broker is
 * started, so a caller sees either no broker or a started one.
 */
final class PendingRedisBroker implements Broker {
  private final LinkOpener opener;
  private final Instant startedAt;
  private final EngineStatus status = new Status();

  /** The presence store that goes with this broker; attached to the real one's link. */
  private final PendingPresenceStore presence = new PendingPresenceStore(this::notYet);

  /** The real broker once Redis was reached and it started; null before. */
  private volatile @Nullable RedisBroker delegate;

  private volatile @Nullable BrokerHandler handler;

  /** Guarded by {@code this}, with the setting of {@link #delegate}. */
  private boolean closed;

  /**
   * @param firstFailure why the caller's own attempt to reach Redis failed
   */
  PendingRedisBroker(RedisOptions options, ConnectBackoff backoff, String firstFailure) {
    this.opener = new LinkOpener(options, backoff, firstFailure);
    this.startedAt = options.clock().instant();
  }

  /** The presence store to use with this broker: it fails the same way until Redis is reached. */
  PresenceStore presence() {
    return presence;
  }

  @Override
  public void start(BrokerHandler handler) {
    this.handler = Objects.requireNonNull(handler);
    opener.start(this::open);
  }

  /** Starts a real broker on {@code link}; true when it took the link. Runs on the opener. */
  private boolean open(RedisLink link) {
    RedisBroker real = new RedisBroker(link);
    // Throws when Redis went away again meanwhile: the opener releases the link and tries again.
    real.start(Objects.requireNonNull(handler));
    presence.attach(real);
    synchronized (this) {
      if (!closed) {
        delegate = real;
        return true;
      }
    }
    real.close();
    return true;
  }

  /** Why calls fail now. */
  RedisUnavailableException notYet() {
    return new RedisUnavailableException("Redis is not reachable yet: " + opener.lastFailure());
  }

  private <T> CompletionStage<T> refused() {
    return CompletableFuture.failedFuture(notYet());
  }

  @Override
  public CompletionStage<PublishResult> publish(String channel, Payload payload, PublishOptions o) {
    Broker d = delegate;
    return d == null ? refused() : d.publish(channel, payload, o);
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryQuery query) {
    Broker d = delegate;
    return d == null ? refused() : d.history(channel, query);
  }

  @Override
  public CompletionStage<Void> publishJoin(String channel, ClientInfo client) {
    Broker d = delegate;
    return d == null ? refused() : d.publishJoin(channel, client);
  }

  @Override
  public CompletionStage<Void> publishLeave(String channel, ClientInfo client) {
    Broker d = delegate;
    return d == null ? refused() : d.publishLeave(channel, client);
  }

  @Override
  public CompletionStage<Void> broadcast(NodeCommand command) {
    Broker d = delegate;
    return d == null ? refused() : d.broadcast(command);
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    Broker d = delegate;
    return d == null ? refused() : d.subscribe(channel);
  }

  /** Nothing to undo before Redis was reached: no subscription was made. */
  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    Broker d = delegate;
    return d == null ? CompletableFuture.completedFuture(null) : d.unsubscribe(channel);
  }

  @Override
  public boolean isReady() {
    Broker d = delegate;
    return d != null && d.isReady();
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Map<String, Object> stats() {
    Broker d = delegate;
    if (d != null) {
      return d.stats();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name());
    m.put("ready", false);
    m.put("connect_attempts", opener.attempts() + 1);
    m.put("connect_error", opener.lastFailure());
    return m;
  }

  /** Always the same object (metrics keep it): DOWN since the start until the real broker's. */
  @Override
  public EngineStatus status() {
    return status;
  }

  @Override
  public void close() {
    Broker d;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      d = delegate;
    }
    opener.close();
    if (d != null) {
      d.close();
    }
  }

  /** The link's state: the real broker's once there is one. */
  private final class Status implements EngineStatus {
    @Override
    public Link link() {
      Broker d = delegate;
      return d == null ? Link.DOWN : d.status().link();
    }

    @Override
    public @Nullable Instant since() {
      Broker d = delegate;
      return d == null ? startedAt : d.status().since();
    }

    @Override
    public long reconnects() {
      Broker d = delegate;
      return d == null ? 0 : d.status().reconnects();
    }
  }
}
