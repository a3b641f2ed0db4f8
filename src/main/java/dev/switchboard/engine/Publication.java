package dev.switchboard.engine;

import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessageEncoder;

/**
 * One message published to a channel, as the broker hands it to every node that has subscribers.
 *
 * @param channel the channel it was published to
 * @param payload what was published
 * @param offset its place in the channel's history, from 1 without gaps; 0 when the channel keeps
 *     no history
 * @param epoch the history's epoch when it has one, else empty
 */
public record Publication(String channel, Payload payload, long offset, String epoch)
    implements ServerMessageEncoder.HistoryEntry {
  /** A publication in a channel without history. */
  public Publication(String channel, Payload payload) {
    this(channel, payload, 0, "");
  }

  /** Whether this publication has a place in a history. */
  public boolean hasOffset() {
    return offset > 0;
  }
}
