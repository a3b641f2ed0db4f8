package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Frames;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link ClientConnection} gets and renews its identity: a token at the handshake, the {@code
 * connect} command, and {@code refresh} (which ends, with a notice, the subscriptions the new token
 * no longer allows). The identity itself lives in the connection's {@link Liveness}, which also
 * expires it. Runs on the connection's reader.
 */
final class ConnectionAuth {
  private final ClientConnection connection;
  private final Liveness liveness;
  private final ConnectionSubscriptions subscriptions;

  ConnectionAuth(
      ClientConnection connection, Liveness liveness, ConnectionSubscriptions subscriptions) {
    this.connection = connection;
    this.liveness = liveness;
    this.subscriptions = subscriptions;
  }

  /** A token came with the handshake; an invalid one closes the connection. */
  void atOpen(String token) {
    Identity who = verify(token, Command.NO_ID);
    if (who != null) {
      liveness.identity(who);
    }
  }

  void connect(Command.Connect c) {
    Identity current = liveness.identity();
    if (current != null && current != Identity.ANONYMOUS) {
      connection.replyError(
          c.id(), ErrorCode.BAD_FIELD, "already connected; use refresh to renew the token");
      return;
    }
    Identity who = verify(c.token(), c.id());
    if (who != null) {
      liveness.identity(who);
      connection.reply(c.id(), Frames.ok(c.id(), connected(who)));
    }
  }

  void refresh(Command.Refresh r) {
    Identity current = liveness.identity();
    if (current == null || current == Identity.ANONYMOUS) {
      connection.replyError(r.id(), ErrorCode.BAD_FIELD, "not connected with a token; use connect");
      return;
    }
    ConnectionPolicy policy = connection.hub().options().policy();
    try {
      // The current identity came from a token, so this server verifies tokens.
      Identity who = Objects.requireNonNull(policy.tokens(), "no verifier").verify(r.token());
      if (!java.util.Objects.equals(who.user(), current.user())) {
        connection.replyError(r.id(), ErrorCode.BAD_TOKEN, "the new token is for another user");
        return;
      }
      liveness.identity(who);
      subscriptions.endRevoked(who);
      connection.reply(r.id(), Frames.ok(r.id(), connected(who)));
    } catch (dev.switchboard.auth.TokenException e) {
      connection.replyError(
          r.id(), ErrorCode.BAD_TOKEN, e.getMessage()); // the current token still holds
    }
  }

  private String connected(Identity who) {
    return "\"client\":"
        + Frames.quote(connection.id())
        + ",\"user\":"
        + (who.user() == null ? "null" : Frames.quote(who.user()))
        + ",\"expires\":"
        + who.expiresAt().getEpochSecond();
  }

  /**
   * Verifies a token; on failure closes the connection (connect) or answers an error (refresh).
   *
   * @return the identity, or null when refused (the connection is then being closed)
   */
  private @Nullable Identity verify(String token, long commandId) {
    ConnectionPolicy policy = connection.hub().options().policy();
    if (policy.tokens() == null) {
      connection.replyError(
          commandId, ErrorCode.BAD_TOKEN, "this server has no keys to verify tokens");
      connection.close(CloseCode.UNAUTHORIZED, "tokens are not accepted here");
      return null;
    }
    try {
      return policy.tokens().verify(token);
    } catch (dev.switchboard.auth.TokenException e) {
      connection.replyError(commandId, ErrorCode.BAD_TOKEN, e.getMessage());
      connection.close(
          e.expired() ? CloseCode.TOKEN_EXPIRED : CloseCode.UNAUTHORIZED, e.getMessage());
      return null;
    }
  }
}
