package dev.switchboard.client;

import dev.switchboard.protocol.TraceContext;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A publication as a subscriber receives it.
 *
 * @param channel the channel it was published to (for pattern subscriptions, the real channel)
 * @param offset its offset in the channel's history; 0 when the channel keeps none
 * @param epoch the history's epoch; empty when none
 * @param json the published JSON value as text, or null for a binary publication
 * @param bytes the binary payload, or null for a JSON publication
 * @param trace the publisher's W3C trace context, when the publication carries one and the client
 *     asks for them ({@link SwitchboardClient.Builder#traces}); else null
 */
public record Message(
    String channel,
    long offset,
    String epoch,
    @Nullable String json,
    byte @Nullable [] bytes,
    @Nullable TraceContext trace) {
  /** A message without trace context. */
  public Message(
      String channel, long offset, String epoch, @Nullable String json, byte @Nullable [] bytes) {
    this(channel, offset, epoch, json, bytes, null);
  }

  /** This message carrying {@code trace}. */
  Message with(@Nullable TraceContext trace) {
    return trace == null ? this : new Message(channel, offset, epoch, json, bytes, trace);
  }

  public boolean isBinary() {
    return bytes != null;
  }

  @Override
  public String toString() {
    return "Message["
        + channel
        + (offset > 0 ? " @" + offset : "")
        + " "
        + (json != null ? json : new String(bytes, StandardCharsets.ISO_8859_1).length() + " bytes")
        + "]";
  }
}
