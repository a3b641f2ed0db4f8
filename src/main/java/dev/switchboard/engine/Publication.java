package dev.switchboard.engine;

import dev.switchboard.protocol.Payload;

/**
 * One message published to a channel, as the broker hands it to every node that has subscribers.
 *
 * @param channel the channel it was published to
 * @param payload what was published
 */
public record Publication(String channel, Payload payload) {}
