package dev.switchboard.hub;

import dev.switchboard.auth.Capability;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessageEncoder;

/**
 * The commands of one {@link ClientConnection} that act on a channel and keep no state of the
 * connection's: publish, history and presence. Each checks the connection's permission, calls the
 * hub and answers when the engine does.
 */
final class ChannelCommands {
  private final ClientConnection connection;
  private final Hub hub;

  /**
   * @param connection whose commands these are: it checks permissions and sends the answers
   * @param hub publishes and reads history and presence, for clients and the HTTP API alike
   */
  ChannelCommands(ClientConnection connection, Hub hub) {
    this.connection = connection;
    this.hub = hub;
  }

  void publish(Command.Publish p) {
    if (!connection.permitted(p.id(), p.channel(), Capability.PUBLISH)) {
      return;
    }
    NamespaceOptions ns = hub.namespaces().of(p.channel());
    if (!ns.publish()) {
      connection.replyError(
          p.id(), ErrorCode.FORBIDDEN, "clients may not publish to " + p.channel());
      return;
    }
    if (p.payload().size() > ns.maxMessageSize()) {
      connection.replyError(
          p.id(),
          ErrorCode.TOO_LARGE,
          "payload over " + ns.maxMessageSize() + " bytes for " + p.channel());
      return;
    }
    hub.publish(p.channel(), p.payload(), p.idempotencyKey())
        .whenComplete(
            (result, failure) -> {
              if (failure == null) {
                connection.reply(
                    p.id(),
                    ServerMessageEncoder.published(p.id(), result.offset(), result.epoch()));
              } else {
                connection.replyError(
                    p.id(),
                    ErrorCode.UNAVAILABLE,
                    "publish failed: " + Stages.rootMessage(failure));
              }
            });
  }

  void history(Command.History h) {
    if (!connection.permitted(h.id(), h.channel(), Capability.HISTORY)) {
      return;
    }
    hub.history(h.channel(), h.since(), h.limit(), h.reverse())
        .whenComplete(
            (result, failure) -> {
              ProtocolException refused = Stages.protocolCause(failure);
              if (failure == null) {
                connection.reply(
                    h.id(),
                    ServerMessageEncoder.history(
                        h.id(),
                        result.publications(),
                        result.position().offset(),
                        result.position().epoch()));
              } else if (refused != null) {
                connection.replyError(h.id(), refused.code(), refused.getMessage());
              } else {
                connection.replyError(
                    h.id(),
                    ErrorCode.UNAVAILABLE,
                    "history failed: " + Stages.rootMessage(failure));
              }
            });
  }

  void presence(Command.Presence p) {
    if (!connection.permitted(p.id(), p.channel(), Capability.PRESENCE)) {
      return;
    }
    hub.presenceOf(p.channel())
        .whenComplete(
            (clients, failure) -> {
              ProtocolException refused = Stages.protocolCause(failure);
              if (failure == null) {
                connection.reply(p.id(), ServerMessageEncoder.presence(p.id(), clients));
              } else if (refused != null) {
                connection.replyError(p.id(), refused.code(), refused.getMessage());
              } else {
                connection.replyError(
                    p.id(),
                    ErrorCode.UNAVAILABLE,
                    "presence failed: " + Stages.rootMessage(failure));
              }
            });
  }
}
