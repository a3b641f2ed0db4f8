package dev.switchboard.engine;

import dev.switchboard.protocol.ServerMessageEncoder;
import org.jspecify.annotations.Nullable;

/**
 * Who is subscribed to a channel, as presence and join/leave report it.
 *
 * @param client the connection id
 * @param user the user id when known (from an authenticated token), else null
 * @param info client-supplied JSON text, or null
 */
public record ClientInfo(String client, @Nullable String user, @Nullable String info)
    implements ServerMessageEncoder.PresenceEntry {}
