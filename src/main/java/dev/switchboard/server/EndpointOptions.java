package dev.switchboard.server;

import java.time.Duration;

/**
 * Limits applied to every WebSocket session. Set explicitly: the Jakarta defaults are unbounded
 * message sizes and container-specific idle timeouts.
 *
 * @param maxMessageSize largest message on {@code /ws}, in bytes; larger ones close with 1009
 * @param echoMaxMessageSize largest message on {@code /echo}, in bytes
 * @param idleTimeout the container's own idle timeout, a backstop behind the hub's pings (a
 *     session that receives nothing, not even a pong, for this long is closed by the container)
 * @param origins which browser origins may connect
 */
public record EndpointOptions(
    int maxMessageSize, int echoMaxMessageSize, Duration idleTimeout, OriginPolicy origins) {}
