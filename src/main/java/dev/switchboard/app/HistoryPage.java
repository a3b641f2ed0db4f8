package dev.switchboard.app;

import dev.switchboard.protocol.Payload;
import java.util.List;

/**
 * What a history read returned.
 *
 * @param entries the publications, in the order asked for
 * @param latest the newest offset kept and the epoch (offset 0 when none was kept in this epoch)
 */
public record HistoryPage(List<Entry> entries, Published latest) {
  public HistoryPage {
    entries = List.copyOf(entries);
  }

  /**
   * One kept publication.
   *
   * @param offset its offset in the epoch of {@link HistoryPage#latest}
   * @param payload the JSON text as published, or the bytes
   */
  public record Entry(long offset, Payload payload) {}
}
