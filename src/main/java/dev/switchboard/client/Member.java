package dev.switchboard.client;

import dev.switchboard.protocol.ServerMessage;
import org.jspecify.annotations.Nullable;

/**
 * A client in a channel's presence, or one that joined or left it.
 *
 * @param client the connection id
 * @param user the user id of an authenticated connection, or null
 * @param info the JSON text it subscribed with ({@code info}), or null
 */
public record Member(String client, @Nullable String user, @Nullable String info) {
  static Member of(ServerMessage.Member m) {
    return new Member(m.client(), m.user(), m.info());
  }
}
