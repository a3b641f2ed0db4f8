package dev.switchboard.server;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.protocol.Payload;
import java.nio.ByteBuffer;

/**
 * How an application's own endpoint writes a publication to its clients: one text or binary frame
 * of its own format, instead of the hub protocol's {@code publication} message. See {@link
 * SessionChannels}.
 *
 * <p>Called on Switchboard's fan-out threads, once for each attached session that gets the
 * publication (live, or recovered from history): it must be fast, must not block and must be
 * thread-safe. A format that throws closes that session with 1011.
 */
@FunctionalInterface
public interface Format {

  /**
   * The frame for a publication in {@code channel}: its {@code offset} and {@code epoch} in the
   * channel's history (0 and an empty epoch in a channel without history) and its {@code payload}
   * ({@link Payload.Json} or {@link Payload.Binary}).
   */
  QueuedFrame encode(String channel, long offset, String epoch, Payload payload);

  /** A text frame. */
  static QueuedFrame text(String text) {
    return new QueuedFrame.Text(text);
  }

  /** A binary frame of {@code data}, which must not change afterwards. */
  static QueuedFrame binary(byte[] data) {
    return new QueuedFrame.Binary(ByteBuffer.wrap(data));
  }
}
