package dev.switchboard.engine;

/**
 * A position in a channel's history: the offset of a publication (0 before the first) and the
 * history's epoch. A position is only meaningful with its epoch: when the history may have been
 * lost, the epoch changes and old positions no longer apply.
 *
 * @param offset the offset, 0 or more
 * @param epoch the epoch, never null
 */
public record StreamPosition(long offset, String epoch) {
  public StreamPosition {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative");
    }
    if (epoch == null) {
      throw new IllegalArgumentException("epoch must not be null");
    }
  }
}
