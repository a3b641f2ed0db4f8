package dev.switchboard.client;

import java.util.List;

/**
 * A channel's history as {@link SwitchboardClient#history} read it.
 *
 * @param publications the publications kept, oldest first (newest first when asked reversed)
 * @param offset the channel's current offset: a subscribe from here misses nothing after them
 * @param epoch the history's epoch
 */
public record History(List<Message> publications, long offset, String epoch) {
  public History {
    publications = List.copyOf(publications);
  }
}
