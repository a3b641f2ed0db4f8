package dev.switchboard.frame;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Turns bytes into frames, however the bytes are split: {@link #feed} takes whatever arrived,
 * {@link #poll} hands out each frame once all of it is there, its payload unmasked. Frames are
 * returned as they are, fragments and control frames included: reassembling messages and applying a
 * side's rules (must client frames be masked? are RSV bits allowed?) is the caller's job. For a
 * blocking stream, {@link #read(InputStream)} reads one frame.
 *
 * <p>Not thread-safe: confined to the thread that reads the connection.
 */
public final class FrameDecoder {
  private final int maxPayload;
  private final FrameHeader header = new FrameHeader();

  /** Bytes fed and not yet handed out as frames; in write mode between calls. */
  private ByteBuffer pending = ByteBuffer.allocate(256);

  /**
   * @param maxPayload the longest payload accepted: a frame announcing more fails {@link #poll}
   *     before any of its payload is buffered
   */
  public FrameDecoder(int maxPayload) {
    if (maxPayload < 0 || maxPayload > Integer.MAX_VALUE - FrameHeader.MAX_LENGTH) {
      throw new IllegalArgumentException("a frame's header and payload must fit one array");
    }
    this.maxPayload = maxPayload;
  }

  /** Takes all readable bytes of {@code chunk}. */
  public void feed(ByteBuffer chunk) {
    if (pending.remaining() < chunk.remaining()) {
      pending = grow(pending, pending.position() + chunk.remaining());
    }
    pending.put(chunk);
  }

  /** Takes {@code bytes[from, to)}. */
  public void feed(byte[] bytes, int from, int to) {
    feed(ByteBuffer.wrap(bytes, from, to - from));
  }

  /**
   * The next complete frame, or null while more bytes are needed.
   *
   * @throws ProtocolException if the next frame announces a negative length or more than the
   *     decoder's limit; the decoder is then of no further use
   */
  public @Nullable Frame poll() throws ProtocolException {
    pending.flip();
    try {
      if (!header.peek(pending)) {
        return null;
      }
      long n = checkedLength(header, maxPayload);
      int frameLength = header.length() + (int) n;
      if (pending.remaining() < frameLength) {
        if (pending.capacity() < frameLength) {
          pending = grow(pending.compact(), frameLength).flip();
        }
        return null;
      }
      byte[] payload = new byte[(int) n];
      pending.get(pending.position() + header.length(), payload);
      pending.position(pending.position() + frameLength);
      return frame(header, payload);
    } finally {
      pending.compact();
    }
  }

  /**
   * Reads one frame from {@code in}, blocking until all of it has arrived.
   *
   * @throws java.io.EOFException if the stream ends first
   * @throws ProtocolException if the frame announces a negative length or more than {@code
   *     maxPayload}
   */
  public static Frame read(InputStream in, int maxPayload) throws IOException {
    DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
    ByteBuffer head = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);
    data.readFully(head.array(), 0, 2);
    int length = FrameHeader.lengthOf(head.get(1) & 0xff);
    data.readFully(head.array(), 2, length - 2);
    FrameHeader h = new FrameHeader();
    h.peek(head.limit(length));
    byte[] payload = new byte[(int) checkedLength(h, maxPayload)];
    data.readFully(payload);
    return frame(h, payload);
  }

  /** Reads one frame of any length a Java array holds; see {@link #read(InputStream, int)}. */
  public static Frame read(InputStream in) throws IOException {
    return read(in, Integer.MAX_VALUE - 8);
  }

  private static long checkedLength(FrameHeader h, int maxPayload) throws ProtocolException {
    long n = h.payloadLength();
    if (n < 0) {
      throw new ProtocolException("frame length has its most significant bit set");
    }
    if (n > maxPayload) {
      throw new ProtocolException("frame of " + n + " bytes, over " + maxPayload);
    }
    return n;
  }

  private static Frame frame(FrameHeader h, byte[] payload) {
    if (h.masked()) {
      Masking.apply(payload, h.maskKey());
    }
    return new Frame(h.fin(), h.rsv(), h.opcode(), payload);
  }

  /** A buffer in write mode holding {@code b}'s written bytes, with room for {@code need}. */
  private static ByteBuffer grow(ByteBuffer b, int need) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(need, b.capacity() * 2));
    return bigger.put(b.flip());
  }
}
