package dev.switchboard.server;

/**
 * Limits applied to every WebSocket session. Set explicitly: the Jakarta default message sizes are
 * unbounded.
 *
 * @param maxMessageSize largest message on {@code /ws}, in bytes; larger ones close with 1009
 * @param echoMaxMessageSize largest message on {@code /echo}, in bytes
 * @param origins which browser origins may connect
 */
public record EndpointOptions(int maxMessageSize, int echoMaxMessageSize, OriginPolicy origins) {}
