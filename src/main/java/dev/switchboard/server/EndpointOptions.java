package dev.switchboard.server;

import dev.switchboard.auth.RoleGrants;
import dev.switchboard.log.AccessLog;
import java.util.Set;

/**
 * Limits applied to every WebSocket session. Set explicitly: the Jakarta default message sizes are
 * unbounded.
 *
 * @param maxMessageSize largest message on {@code /ws}, in bytes; larger ones close with 1009
 * @param echoMaxMessageSize largest message on {@code /echo}, in bytes
 * @param origins which browser origins may connect
 * @param containerAuth whether a user the container authenticated for the handshake becomes the
 *     connection's identity ({@code auth.container})
 * @param roles the permissions of the container's roles ({@code auth.role.<role>})
 * @param access the handshake access log ({@code log.access}), {@link AccessLog#OFF} when off
 * @param forwardHeaders handshake headers kept for the decisions ({@code proxy.headers}),
 *     lower-case
 * @param forwardCookies cookies kept for the decisions ({@code proxy.cookies})
 */
public record EndpointOptions(
    int maxMessageSize,
    int echoMaxMessageSize,
    OriginPolicy origins,
    boolean containerAuth,
    RoleGrants roles,
    AccessLog access,
    Set<String> forwardHeaders,
    Set<String> forwardCookies) {
  public EndpointOptions {
    forwardHeaders = Set.copyOf(forwardHeaders);
    forwardCookies = Set.copyOf(forwardCookies);
  }
}
