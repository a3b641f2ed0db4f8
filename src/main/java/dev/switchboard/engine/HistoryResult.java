package dev.switchboard.engine;

import java.util.List;

/**
 * Publications read from a channel's history, with the channel's current position.
 *
 * @param publications in the order asked for
 * @param position the offset of the newest publication (0 when none was ever kept in this epoch)
 *     and the current epoch
 */
public record HistoryResult(List<Publication> publications, StreamPosition position) {
  public HistoryResult {
    publications = List.copyOf(publications);
  }
}
