package dev.switchboard.app;

/**
 * Where an accepted publication was placed.
 *
 * @param offset its offset in the channel's history, 0 when the channel keeps no history
 * @param epoch the history's epoch, "" when the channel keeps no history
 */
public record Published(long offset, String epoch) {}
