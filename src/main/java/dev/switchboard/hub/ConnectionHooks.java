package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.hooks.RefreshDecision;
import dev.switchboard.hooks.RpcReply;
import dev.switchboard.protocol.Payload;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One connection's side of the application's {@link Hooks}: asks its decisions and tells its
 * listener, as the connection's {@link dev.switchboard.hooks.Client}. Nothing is built when nothing
 * decides or listens, so a hub without an application pays one volatile read per hook.
 *
 * <p>Pairs are kept: ConnectionClosed is told exactly once and only for a connection told
 * ConnectionOpened; Unsubscribed exactly once and only for a subscription told Subscribed (see
 * {@link Subscription#markTold}), before ConnectionClosed. A listener that closes the connection or
 * ends a subscription from inside an event sees the pairs in order. Decisions run on the
 * connection's reader; events on whichever thread did the thing, so only when a connection is
 * closed on another thread at the very moment its subscription goes live may that subscription's
 * Unsubscribed be told before its Subscribed.
 */
final class ConnectionHooks {
  /** The reason a client sees when a decision threw. */
  static final String THREW = "refused by the application";

  private final ClientConnection connection;
  private final Hooks hooks;
  private final HubMetrics metrics;

  /** Tells the forwarded handshake headers. */
  private final Transport transport;

  /** Whether ConnectionOpened was told. Guarded by {@code this}. */
  private boolean opened;

  /** Whether the connection was released. Guarded by {@code this}. */
  private boolean closed;

  /**
   * How it was closed, for a ConnectionClosed told after a late Opened. Guarded by {@code this}.
   */
  private int closeCode;

  /** Guarded by {@code this}. */
  private String closeReason = "";

  ConnectionHooks(
      ClientConnection connection, Hooks hooks, HubMetrics metrics, Transport transport) {
    this.connection = connection;
    this.transport = transport;
    this.hooks = hooks;
    this.metrics = metrics;
  }

  /** The connection as decisions and events see it, with its identity now. */
  Client client() {
    Identity who = connection.identity();
    return new Client(
        connection.id(),
        who == null ? null : who.user(),
        who == null ? null : who.info(),
        transport.forwarded());
  }

  /**
   * The connect decision: allowed, allowed with a {@link Decision.Grant} that {@code check} found
   * valid, or the refusal (a grant it did not is logged and counted, and refuses).
   *
   * @param check why a grant cannot be taken, or null when it can
   */
  Decision connect(Function<Decision.Grant, @Nullable String> check) {
    if (!hooks.deciding()) {
      return Decision.allow();
    }
    try {
      Decision d = Objects.requireNonNull(hooks.decisions().connect(client()), "null decision");
      String problem = d instanceof Decision.Grant g ? check.apply(g) : null;
      if (problem != null) {
        throw new IllegalArgumentException("invalid connect grant: " + problem);
      }
      return d;
    } catch (RuntimeException e) {
      hooks.failed("Decisions.connect", e);
      return new Decision.Deny(THREW);
    }
  }

  /**
   * The refresh decision of a connection at its expiry; one that threw (or returned null) denies.
   * Called on the hooks' own thread.
   */
  RefreshDecision refresh() {
    try {
      return Objects.requireNonNull(hooks.decisions().refresh(client()), "null decision");
    } catch (RuntimeException e) {
      hooks.failed("Decisions.refresh", e);
      return RefreshDecision.deny(THREW);
    }
  }

  /** Runs {@code task} off the reader and the sweep ({@link Hooks#runAside}). */
  void runAside(Runnable task) {
    hooks.runAside(task);
  }

  /** An application's answer could not be taken: counted and logged as a failed hook. */
  void invalid(String where, String problem) {
    hooks.failed(where, new IllegalArgumentException(problem));
  }

  /** The subscribe decision for {@code channel}: null when allowed, else the reason. */
  @Nullable String subscribe(String channel) {
    if (!hooks.deciding()) {
      return null;
    }
    try {
      return reason(hooks.decisions().subscribe(client(), channel));
    } catch (RuntimeException e) {
      hooks.failed("Decisions.subscribe", e);
      return THREW;
    }
  }

  /** Whether publications are decided on: false, they are published as sent. */
  boolean decidesPublish() {
    return hooks.deciding();
  }

  /** The publish decision; a decision that threw (or returned null) denies. */
  PublishDecision publish(String channel, Payload payload) {
    try {
      return Objects.requireNonNull(
          hooks.decisions().publish(client(), channel, payload), "the decision was null");
    } catch (RuntimeException e) {
      hooks.failed("Decisions.publish", e);
      return PublishDecision.deny(THREW);
    }
  }

  /** The application's answer to an rpc; one that threw (or returned null) is unavailable. */
  RpcReply rpc(String method, Payload data) {
    if (!hooks.deciding()) {
      return RpcReply.NotHandled.INSTANCE;
    }
    try {
      return Objects.requireNonNull(
          hooks.decisions().rpc(client(), method, data), "the decision was null");
    } catch (RuntimeException e) {
      hooks.failed("Decisions.rpc", e);
      return new RpcReply.Unavailable(THREW);
    }
  }

  private static @Nullable String reason(Decision d) {
    return Objects.requireNonNull(d, "the decision was null") instanceof Decision.Deny deny
        ? deny.reason()
        : null;
  }

  /**
   * The rewrite of a publication could not be published: counted, logged once a minute per kind of
   * {@code cause} (its first words, before any detail).
   */
  void invalidRewrite(String channel, String cause) {
    metrics.invalidRewrites.increment();
    int colon = cause.indexOf(':');
    hooks.warnLimited(
        "rewrite " + (colon < 0 ? cause : cause.substring(0, colon)),
        "Decisions.publish rewrote a publication to "
            + channel
            + " into one that cannot be published: "
            + cause,
        "invalid_rewrites",
        null);
  }

  /** The connection has its identity and the application allowed it; told once. */
  void opened() {
    boolean late;
    synchronized (this) {
      if (opened) {
        return;
      }
      opened = true;
      late = closed;
    }
    if (hooks.listening()) {
      hooks.tell(new HubEvent.ConnectionOpened(client()));
      if (late) {
        hooks.tell(new HubEvent.ConnectionClosed(client(), closeCode(), closeReason()));
      }
    }
  }

  /** The connection was released; told once, and only after Opened. */
  void closed(int code, String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closeCode = code;
      closeReason = reason;
      if (!opened) {
        return;
      }
    }
    if (hooks.listening()) {
      hooks.tell(new HubEvent.ConnectionClosed(client(), code, reason));
    }
  }

  private synchronized int closeCode() {
    return closeCode;
  }

  private synchronized String closeReason() {
    return closeReason;
  }

  /** Whether events are told: false, subscriptions need not track Subscribed. */
  boolean listening() {
    return hooks.listening();
  }

  void subscribed(String channel) {
    hooks.tell(new HubEvent.Subscribed(client(), channel));
  }

  void unsubscribed(String channel) {
    if (hooks.listening()) {
      hooks.tell(new HubEvent.Unsubscribed(client(), channel));
    }
  }

  /** A client's publication was accepted by the engine. */
  void published(String channel, Payload payload, long offset, String epoch) {
    if (hooks.listening()) {
      hooks.tell(new HubEvent.ClientPublished(client(), channel, payload, offset, epoch));
    }
  }
}
