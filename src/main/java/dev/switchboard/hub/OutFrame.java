package dev.switchboard.hub;

import java.nio.ByteBuffer;

/**
 * A frame waiting in an outbox. The same instance is shared by every subscriber of a publication,
 * so it is immutable: a binary frame's buffer is read-only and transports send a duplicate of it.
 */
public sealed interface OutFrame {

  /** Bytes this frame counts against an outbox (characters for text; see {@link Text}). */
  int size();

  /**
   * A text frame. Its size is counted in characters: exact for ASCII, and an undercount of at
   * most 3x for other text, which the outbox limit tolerates.
   *
   * @param text the frame's text
   */
  record Text(String text) implements OutFrame {
    @Override
    public int size() {
      return text.length();
    }
  }

  /**
   * A binary frame.
   *
   * @param data the frame's bytes from position to limit; read-only, never consumed in place
   */
  record Binary(ByteBuffer data) implements OutFrame {
    public Binary {
      data = data.asReadOnlyBuffer();
    }

    @Override
    public int size() {
      return data.remaining();
    }

    /** A private view of the bytes for one send. */
    public ByteBuffer view() {
      return data.duplicate();
    }
  }
}
