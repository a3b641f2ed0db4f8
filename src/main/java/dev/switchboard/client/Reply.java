package dev.switchboard.client;

/**
 * The server's success reply to a publish.
 *
 * @param offset the publication's offset in a channel with history, else 0
 * @param epoch the history's epoch, else empty
 */
public record Reply(long offset, String epoch) {}
