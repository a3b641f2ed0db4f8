package dev.switchboard.hub;

import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A frame queued in an {@link Outbox}: the text of a server message (see {@code
 * ServerMessageEncoder}) or a binary publication, waiting to be sent. It encodes nothing itself.
 * The same instance is shared by every subscriber of a publication, so it is immutable; the wire
 * form (the whole RFC 6455 frame) is computed at most once, by the first transport that wants raw
 * bytes, and then shared too.
 */
public sealed interface QueuedFrame {

  /** Bytes this frame counts against an outbox (characters for text; see {@link Text}). */
  int size();

  /** The complete unmasked server-to-client frame: header and payload. Shared; never modify. */
  byte[] wire();

  /**
   * The frame in the fallback transport's encoding (a Server-Sent Event), made by {@code encode} at
   * most once per frame, like {@link #wire}, and then shared by every connection of that transport.
   * A WebSocket delivery never calls it, so it costs the WebSocket path nothing but an empty field.
   */
  byte[] event(java.util.function.Function<QueuedFrame, byte[]> encode);

  /**
   * A text frame. Its size is counted in characters: exact for ASCII, and an undercount of at most
   * 3x for other text, which the outbox limit tolerates.
   */
  final class Text implements QueuedFrame {
    private final String text;

    /** Lazily framed UTF-8; a benign race may frame it twice, never differently. */
    private volatile byte @Nullable [] wire;

    /** Lazily encoded event; a benign race may encode it twice, never differently. */
    private volatile byte @Nullable [] event;

    @Override
    public byte[] event(java.util.function.Function<QueuedFrame, byte[]> encode) {
      byte[] e = event;
      if (e == null) {
        e = encode.apply(this);
        event = e;
      }
      return e;
    }

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
        w = FrameEncoder.serverFrame(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
        wire = w;
      }
      return w;
    }

    @Override
    public String toString() {
      return "Text[" + text + "]";
    }
  }

  /**
   * A binary frame. Its bytes are held in a writable buffer and handed to each send as a duplicate:
   * some containers cannot send a read-only buffer (Open Liberty's TCP channel calls {@code
   * arrayOffset()}, throws {@link java.nio.ReadOnlyBufferException} and never completes the send),
   * and a duplicate of a writable buffer is writable without copying the bytes. Nothing writes into
   * them: the frame is shared by every subscriber of a publication.
   */
  final class Binary implements QueuedFrame {
    private final ByteBuffer data;
    private volatile byte @Nullable [] wire;

    /** Lazily encoded event; a benign race may encode it twice, never differently. */
    private volatile byte @Nullable [] event;

    @Override
    public byte[] event(java.util.function.Function<QueuedFrame, byte[]> encode) {
      byte[] e = event;
      if (e == null) {
        e = encode.apply(this);
        event = e;
      }
      return e;
    }

    /**
     * @param data the frame's bytes from position to limit; never consumed in place. A read-only
     *     buffer is copied once, here, so that no send gets a read-only one.
     */
    public Binary(ByteBuffer data) {
      this.data =
          data.isReadOnly()
              ? ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip()
              : data.duplicate();
    }

    @Override
    public int size() {
      return data.remaining();
    }

    /** A private, writable view of the payload for one send; the bytes are shared. */
    public ByteBuffer view() {
      return data.duplicate();
    }

    @Override
    public byte[] wire() {
      byte[] w = wire;
      if (w == null) {
        w = FrameEncoder.serverFrame(Opcode.BINARY, data); // reads the shared bytes, moves nothing
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
