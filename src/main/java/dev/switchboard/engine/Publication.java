package dev.switchboard.engine;

import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessageEncoder;
import dev.switchboard.protocol.TraceContext;
import org.jspecify.annotations.Nullable;

/**
 * One message published to a channel, as the broker hands it to every node that has subscribers.
 *
 * @param channel the channel it was published to
 * @param payload what was published
 * @param offset its place in the channel's history, from 1 without gaps; 0 when the channel keeps
 *     no history
 * @param epoch the history's epoch when it has one, else empty
 * @param trace the publisher's trace context, carried to every node and kept in the history with
 *     the publication; null when it came without one
 */
public record Publication(
    String channel, Payload payload, long offset, String epoch, @Nullable TraceContext trace)
    implements ServerMessageEncoder.HistoryEntry {
  /** A publication in a channel without history. */
  public Publication(String channel, Payload payload) {
    this(channel, payload, 0, "", null);
  }

  /** A publication without a trace context. */
  public Publication(String channel, Payload payload, long offset, String epoch) {
    this(channel, payload, offset, epoch, null);
  }

  /** Whether this publication has a place in a history. */
  public boolean hasOffset() {
    return offset > 0;
  }
}
