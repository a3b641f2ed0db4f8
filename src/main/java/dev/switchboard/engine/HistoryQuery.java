package dev.switchboard.engine;

import org.jspecify.annotations.Nullable;

/**
 * Which part of a channel's history to read.
 *
 * @param since read publications after this offset (its epoch is the caller's to check); null reads
 *     from the oldest kept
 * @param limit at most this many publications; 0 reads only the current position
 * @param reverse newest first; with {@code since}, the newest ones after it
 */
public record HistoryQuery(@Nullable StreamPosition since, int limit, boolean reverse) {
  /** Only the current position. */
  public static final HistoryQuery POSITION = new HistoryQuery(null, 0, false);

  public HistoryQuery {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
  }

  /** Everything after {@code since}, oldest first: what a recovering subscriber needs. */
  public static HistoryQuery after(StreamPosition since) {
    return new HistoryQuery(since, Integer.MAX_VALUE, false);
  }
}
