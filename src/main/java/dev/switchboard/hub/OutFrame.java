package dev.switchboard.hub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A frame waiting in an outbox. The same instance is shared by every subscriber of a publication,
 * so it is immutable; the wire form (the whole RFC 6455 frame) is computed at most once, by the
 * first transport that wants raw bytes, and then shared too.
 */
public sealed interface OutFrame {

  /** Bytes this frame counts against an outbox (characters for text; see {@link Text}). */
  int size();

  /** The complete unmasked server-to-client frame: header and payload. Shared; never modify. */
  byte[] wire();

  /**
   * A text frame. Its size is counted in characters: exact for ASCII, and an undercount of at
   * most 3x for other text, which the outbox limit tolerates.
   */
  final class Text implements OutFrame {
    private final String text;
    /** Lazily framed UTF-8; a benign race may frame it twice, never differently. */
    private volatile byte[] wire;

    public Text(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    @Override
    public int size() {
      return text.length();
    }

    @Override
    public byte[] wire() {
      byte[] w = wire;
      if (w == null) {
        w = WireFrames.frame(WireFrames.OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8));
        wire = w;
      }
      return w;
    }

    @Override
    public String toString() {
      return "Text[" + text + "]";
    }
  }

  /** A binary frame. */
  final class Binary implements OutFrame {
    private final ByteBuffer data;
    private volatile byte[] wire;

    /** @param data the frame's bytes from position to limit; never consumed in place */
    public Binary(ByteBuffer data) {
      this.data = data.asReadOnlyBuffer();
    }

    @Override
    public int size() {
      return data.remaining();
    }

    /** A private view of the payload for one send. */
    public ByteBuffer view() {
      return data.duplicate();
    }

    @Override
    public byte[] wire() {
      byte[] w = wire;
      if (w == null) {
        ByteBuffer v = view();
        byte[] payload = new byte[v.remaining()];
        v.get(payload);
        w = WireFrames.frame(WireFrames.OPCODE_BINARY, payload);
        wire = w;
      }
      return w;
    }

    @Override
    public String toString() {
      return "Binary[" + data.remaining() + " bytes]";
    }
  }
}
