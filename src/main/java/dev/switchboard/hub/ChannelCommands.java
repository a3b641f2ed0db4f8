package dev.switchboard.hub;

import dev.switchboard.auth.Capability;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.hooks.RpcReply;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessageEncoder;
import org.jspecify.annotations.Nullable;

/**
 * The commands of one {@link ClientConnection} that act on a channel and keep no state of the
 * connection's: publish, history and presence; and rpc, which the application answers. Each checks
 * the connection's permission, calls the hub and answers when the engine does. A publish is also
 * put to the application's decision, after the checks of the configuration and before anything is
 * published.
 */
final class ChannelCommands {
  private final ClientConnection connection;
  private final Hub hub;

  /** Checks a payload the application rewrote, as the client's own was checked. */
  private final CommandDecoder decoder;

  /**
   * @param connection whose commands these are: it checks permissions and sends the answers
   * @param hub publishes and reads history and presence, for clients and the HTTP API alike
   */
  ChannelCommands(ClientConnection connection, Hub hub, CommandDecoder decoder) {
    this.connection = connection;
    this.hub = hub;
    this.decoder = decoder;
  }

  /** Asks the application (its rpc decision) and replies with its answer. */
  void rpc(Command.Rpc r) {
    RpcReply answer = connection.hooks().rpc(r.method(), r.data());
    if (answer instanceof RpcReply.Result result) {
      connection.reply(r.id(), ServerMessageEncoder.rpcResult(r.id(), result.data()));
    } else if (answer instanceof RpcReply.Error e) {
      hub.metrics().error(ErrorCode.APPLICATION);
      connection.reply(r.id(), ServerMessageEncoder.rpcError(r.id(), e.code(), e.message()));
    } else if (answer instanceof RpcReply.Unavailable u) {
      connection.replyError(r.id(), ErrorCode.UNAVAILABLE, u.reason());
    } else {
      connection.replyError(r.id(), ErrorCode.NOT_ENABLED, "nothing answers rpc on this server");
    }
  }

  void publish(Command.Publish p) {
    if (!connection.permitted(p.id(), p.channel(), Capability.PUBLISH)) {
      return;
    }
    NamespaceOptions ns;
    try {
      ns = hub.namespaces().check(p.channel(), p.id());
    } catch (ProtocolException e) {
      connection.replyError(p.id(), e.code(), e.getMessage());
      return;
    }
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
    Payload payload = p.payload();
    ConnectionHooks hooks = connection.hooks();
    if (hooks.decidesPublish()) {
      PublishDecision decision = hooks.publish(p.channel(), payload);
      if (decision instanceof PublishDecision.Deny deny) {
        connection.replyError(p.id(), ErrorCode.FORBIDDEN, deny.reason());
        return;
      }
      if (decision instanceof PublishDecision.Rewrite rewrite) {
        String invalid = invalid(rewrite.payload(), ns.maxMessageSize());
        if (invalid != null) {
          hooks.invalidRewrite(p.channel(), invalid);
          connection.replyError(
              p.id(),
              ErrorCode.INTERNAL,
              "the application rewrote this publication into one that cannot be published ("
                  + invalid
                  + "); nothing was published");
          return;
        }
        payload = rewrite.payload();
      }
    }
    Payload published = payload;
    hub.publish(p.channel(), published, p.idempotencyKey(), p.trace())
        .whenComplete(
            (result, failure) -> {
              if (failure == null) {
                connection.reply(
                    p.id(),
                    ServerMessageEncoder.published(p.id(), result.offset(), result.epoch()));
                if (!result.repeated()) {
                  hooks.published(p.channel(), published, result.offset(), result.epoch());
                }
              } else {
                connection.replyError(
                    p.id(),
                    ErrorCode.UNAVAILABLE,
                    "publish failed: " + Stages.rootMessage(failure));
              }
            });
  }

  /**
   * Why a payload the application gave in place of a client's cannot be published, or null when it
   * can: JSON must be one JSON value (as the publish command requires), and the size limit holds.
   */
  private @Nullable String invalid(Payload payload, int maxSize) {
    if (payload.size() > maxSize) {
      return "over " + maxSize + " bytes";
    }
    if (payload instanceof Payload.Json json) {
      try {
        decoder.decodeData(json.json());
      } catch (ProtocolException e) {
        return "not one JSON value: " + e.getMessage();
      }
    }
    return null;
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
