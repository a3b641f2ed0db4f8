package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.auth.TokenVerifier;
import dev.switchboard.hooks.Decision;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link ClientConnection} gets and renews its identity: a token or the container's user at
 * the handshake, the {@code connect} command (each asks the application's connect decision), and
 * {@code refresh} (which ends, with a notice, the subscriptions the new token no longer allows); it
 * holds the identity. Commands run on the connection's reader; the identity is also read by engine
 * threads and the sweep (which closes an expired one).
 */
final class ConnectionAuth {
  private final ClientConnection connection;
  private final ConnectionSubscriptions subscriptions;

  /** Verifies the tokens. */
  private final ConnectionPolicy policy;

  /** Who the connection is; written by the reader, read by any thread. */
  private volatile @Nullable Identity identity;

  ConnectionAuth(
      ClientConnection connection, ConnectionSubscriptions subscriptions, ConnectionPolicy policy) {
    this.connection = connection;
    this.subscriptions = subscriptions;
    this.policy = policy;
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
      admitted(Command.NO_ID);
    }
  }

  /**
   * Asks the application whether the connection, with the identity it has now, may connect: yes, it
   * is opened (told once); no, it is closed with 4503 and the reason, after an error 111 when a
   * {@code connect} command asked; the decider unavailable, 1011 after an error 109.
   */
  private boolean admitted(long commandId) {
    ConnectionHooks hooks = connection.hooks();
    Decision.Deny refused = hooks.connect();
    if (refused == null) {
      hooks.opened();
      return true;
    }
    if (commandId != Command.NO_ID) {
      connection.replyError(
          commandId,
          refused.retry() ? ErrorCode.UNAVAILABLE : ErrorCode.FORBIDDEN,
          refused.reason());
    }
    connection.close(
        refused.retry() ? CloseCode.INTERNAL_ERROR : CloseCode.FORBIDDEN, refused.reason());
    return false;
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
      if (admitted(c.id())) {
        connection.reply(c.id(), connected(c.id(), who));
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
