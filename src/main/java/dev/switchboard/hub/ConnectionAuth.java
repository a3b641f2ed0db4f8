package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.auth.TokenVerifier;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.RefreshDecision;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link ClientConnection} gets and renews its identity: a token or the container's user at
 * the handshake, the {@code connect} command (each asks the application's connect decision), and
 * {@code refresh} (which ends, with a notice, the subscriptions the new token no longer allows),
 * and what the application's connect grant sets (user, expiry, channels) and its refresh decision
 * at that expiry; it holds the identity. Commands run on the connection's reader; the identity is
 * also read by engine threads and the sweep (which closes an expired one).
 */
final class ConnectionAuth {
  /** The close reason of a connection the application let expire. */
  static final String EXPIRED = "connection expired: reconnect";

  private final ClientConnection connection;
  private final ConnectionSubscriptions subscriptions;
  private final HubParts parts;

  /** Verifies the tokens. */
  private final ConnectionPolicy policy;

  /**
   * Who the connection is; written by the reader (and by a refresh decision, see {@link #swept}),
   * read by any thread.
   */
  private volatile @Nullable Identity identity;

  /** The application set the expiry (a connect grant): at expiry, it is asked to refresh. */
  private volatile boolean renewable;

  /** A refresh decision is asked or queued; the sweep does not ask another. */
  private final AtomicBoolean renewing = new AtomicBoolean();

  ConnectionAuth(
      ClientConnection connection, ConnectionSubscriptions subscriptions, HubParts parts) {
    this.connection = connection;
    this.subscriptions = subscriptions;
    this.parts = parts;
    this.policy = parts.options().policy();
    this.identity = policy.authRequired() ? null : Identity.ANONYMOUS;
  }

  /** Who the connection is: null until a required token arrived, else anonymous. */
  @Nullable Identity identity() {
    return identity;
  }

  /**
   * Takes what the handshake carried: a token (an {@code Authorization: Bearer} header; an invalid
   * one closes the connection with 4500, or 4003 when expired) or else the user the container
   * authenticated. A token wins over the container's user. Then, when the connection has an
   * identity (anonymous on an open server, or one of those), the application decides whether it may
   * connect.
   */
  void start(@Nullable String token, @Nullable Identity container) {
    if (token != null) {
      Identity who = verify(token, Command.NO_ID);
      if (who == null) {
        return; // closed
      }
      identity = who;
    } else if (container != null) {
      identity = container;
    }
    if (identity != null) {
      subscribeGranted(admitted(Command.NO_ID));
    }
  }

  /**
   * Asks the application whether the connection, with the identity it has now, may connect: yes, it
   * takes what a grant sets and is opened (told once); no, it is closed with 4503 and the reason,
   * after an error 111 when a {@code connect} command asked; the decider unavailable, 1011 after an
   * error 109.
   *
   * @return the decision when allowed (a grant's channels are still to subscribe), null when not
   */
  private @Nullable Decision admitted(long commandId) {
    ConnectionHooks hooks = connection.hooks();
    Decision d =
        hooks.connect(
            g -> Grants.problem(g, parts.options(), parts.clock().instant(), subscriptions.size()));
    if (d instanceof Decision.Deny refused) {
      if (commandId != Command.NO_ID) {
        connection.replyError(
            commandId,
            refused.retry() ? ErrorCode.UNAVAILABLE : ErrorCode.FORBIDDEN,
            refused.reason());
      }
      connection.close(
          refused.retry() ? CloseCode.INTERNAL_ERROR : CloseCode.FORBIDDEN, refused.reason());
      return null;
    }
    if (d instanceof Decision.Grant g) {
      identity = Grants.apply(Objects.requireNonNull(identity, "asked with an identity"), g);
      renewable = renewable || g.expiresAt() != null;
    }
    hooks.opened();
    return d;
  }

  /** Subscribes to the channels a connect grant lists, once the client knows it is connected. */
  private void subscribeGranted(@Nullable Decision admitted) {
    if (admitted instanceof Decision.Grant g && !g.channels().isEmpty()) {
      subscriptions.subscribeGranted(g.channels());
    }
  }

  /**
   * The identity the sweep judges. When the connection passed an expiry the application set, the
   * application is asked to refresh it (once, on the hooks' own thread: the sweep must not wait for
   * a backend), and until it answers the connection counts as not expired.
   */
  @Nullable Identity swept(Instant now) {
    Identity who = identity;
    if (who == null || !renewable || !who.expiredAt(now)) {
      return who;
    }
    if (renewing.compareAndSet(false, true)) {
      connection.hooks().runAside(this::renew);
    }
    return new Identity(who.user(), who.info(), who.permissions(), Instant.MAX);
  }

  /** Asks the refresh decision and extends or closes the connection as it says. */
  private void renew() {
    try {
      if (!connection.isOpen()) {
        return;
      }
      ConnectionHooks hooks = connection.hooks();
      RefreshDecision d = hooks.refresh();
      if (d instanceof RefreshDecision.Extend e) {
        if (e.expiresAt().isAfter(parts.clock().instant())) {
          Identity who = Objects.requireNonNull(identity, "renewable, so connected");
          identity = new Identity(who.user(), who.info(), who.permissions(), e.expiresAt());
        } else {
          hooks.invalid("Decisions.refresh", "expiry " + e.expiresAt() + " is not in the future");
          connection.close(CloseCode.FORBIDDEN, ConnectionHooks.THREW);
        }
      } else if (d instanceof RefreshDecision.Deny deny) {
        connection.close(
            deny.retry() ? CloseCode.INTERNAL_ERROR : CloseCode.FORBIDDEN, deny.reason());
      } else {
        connection.close(CloseCode.TOKEN_EXPIRED, EXPIRED);
      }
    } finally {
      renewing.set(false);
    }
  }

  void connect(Command.Connect c) {
    Identity current = identity;
    if (current != null && current != Identity.ANONYMOUS) {
      connection.replyError(
          c.id(), ErrorCode.BAD_FIELD, "already connected; use refresh to renew the token");
      return;
    }
    Identity who = verify(c.token(), c.id());
    if (who != null) {
      identity = who;
      // Asked again when an anonymous connection becomes a user: the decision is about the user.
      Decision admitted = admitted(c.id());
      if (admitted != null) {
        connection.reply(
            c.id(), connected(c.id(), Objects.requireNonNull(identity, "just admitted")));
        subscribeGranted(admitted);
      }
    }
  }

  void refresh(Command.Refresh r) {
    Identity current = identity;
    // A container's user on a server without keys has no token to refresh either.
    if (current == null || current == Identity.ANONYMOUS || policy.tokens() == null) {
      connection.replyError(r.id(), ErrorCode.BAD_FIELD, "not connected with a token; use connect");
      return;
    }
    try {
      // The current identity came from a token, so this server verifies tokens.
      Identity who = Objects.requireNonNull(policy.tokens(), "no verifier").verify(r.token());
      if (!java.util.Objects.equals(who.user(), current.user())) {
        connection.replyError(r.id(), ErrorCode.BAD_TOKEN, "the new token is for another user");
        return;
      }
      identity = who;
      subscriptions.endRevoked(who);
      connection.reply(r.id(), connected(r.id(), who));
    } catch (dev.switchboard.auth.TokenException e) {
      connection.replyError(
          r.id(), ErrorCode.BAD_TOKEN, e.getMessage()); // the current token still holds
    }
  }

  private String connected(long commandId, Identity who) {
    return ServerMessageEncoder.connected(
        commandId, connection.id(), who.user(), who.expiresAt().getEpochSecond());
  }

  /**
   * Verifies a token; on failure closes the connection (connect) or answers an error (refresh).
   *
   * @return the identity, or null when refused (the connection is then being closed)
   */
  private @Nullable Identity verify(String token, long commandId) {
    TokenVerifier tokens = policy.tokens();
    if (tokens == null) {
      connection.replyError(
          commandId, ErrorCode.BAD_TOKEN, "this server has no keys to verify tokens");
      connection.close(CloseCode.UNAUTHORIZED, "tokens are not accepted here");
      return null;
    }
    try {
      return tokens.verify(token);
    } catch (dev.switchboard.auth.TokenException e) {
      connection.replyError(commandId, ErrorCode.BAD_TOKEN, e.getMessage());
      connection.close(
          e.expired() ? CloseCode.TOKEN_EXPIRED : CloseCode.UNAUTHORIZED, e.getMessage());
      return null;
    }
  }
}
