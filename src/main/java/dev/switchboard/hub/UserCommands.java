package dev.switchboard.hub;

import dev.switchboard.engine.NodeCommand;
import dev.switchboard.protocol.CloseCode;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Acts on one user's connections on this node: the node commands every node performs when one of
 * them broadcasts it ({@link NodeCommand}), and the hub's own calls. Each is a scan of all
 * connections, fine for an occasional administrative act. Thread-safe.
 */
final class UserCommands {
  private final Supplier<Collection<ClientConnection>> connections;

  UserCommands(Supplier<Collection<ClientConnection>> connections) {
    this.connections = connections;
  }

  /** Acts on a node command that reached this node. */
  void execute(NodeCommand command) {
    if (command instanceof NodeCommand.DisconnectUser d) {
      disconnect(d.user(), d.code(), d.reason());
    } else if (command instanceof NodeCommand.UnsubscribeUser u) {
      unsubscribe(u.user(), u.channel(), u.reason());
    }
  }

  /** Closes every connection of {@code user} with {@code code}; how many were closed. */
  int disconnect(String user, CloseCode code, String reason) {
    int closed = 0;
    for (ClientConnection c : List.copyOf(connections.get())) {
      if (user.equals(c.user())) {
        c.close(code, reason);
        closed++;
      }
    }
    return closed;
  }

  /** Ends {@code user}'s subscriptions to {@code channel}; how many were ended. */
  int unsubscribe(String user, String channel, String reason) {
    int ended = 0;
    for (ClientConnection c : connections.get()) {
      if (user.equals(c.user()) && c.endSubscription(channel, reason)) {
        ended++;
      }
    }
    return ended;
  }
}
