package dev.switchboard.frame;

import java.nio.ByteBuffer;

/**
 * Writes RFC 6455 frames (§5.2): server frames unmasked, client frames masked (§5.1). Every length
 * takes its shortest form: 7 bits up to 125, 16 bits up to 65535, 64 bits above. The whole-frame
 * methods build final frames in one array; the header methods are the building blocks, also for
 * frames a test gets wrong on purpose (any first byte, any announced length).
 *
 * <p>Stateless; safe from any thread.
 */
public final class FrameEncoder {
  /** The FIN bit of the first byte: the last frame of a message. */
  public static final int FIN = 0x80;

  /** RSV1, which only a negotiated extension (permessage-deflate) may set. */
  public static final int RSV1 = 0x40;

  private static final int MASK_BIT = 0x80;

  private FrameEncoder() {}

  /** Header bytes for a payload of {@code payloadLength}: 2, 4 or 10, and 4 more if masked. */
  public static int headerLength(long payloadLength, boolean masked) {
    int base = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    return masked ? base + 4 : base;
  }

  /** Puts an unmasked header at {@code dst}'s position: {@code firstByte} as given, the length. */
  public static ByteBuffer putHeader(ByteBuffer dst, int firstByte, long payloadLength) {
    return putLength(dst.put((byte) firstByte), 0, payloadLength);
  }

  /** Puts a masked header at {@code dst}'s position, ending with {@code maskKey}. */
  public static ByteBuffer putMaskedHeader(
      ByteBuffer dst, int firstByte, long payloadLength, int maskKey) {
    putLength(dst.put((byte) firstByte), MASK_BIT, payloadLength);
    return putBigEndian(dst, maskKey, 4);
  }

  private static ByteBuffer putLength(ByteBuffer dst, int maskBit, long n) {
    if (n < 126) {
      return dst.put((byte) (maskBit | n));
    }
    if (n <= 0xFFFF) {
      return putBigEndian(dst.put((byte) (maskBit | 126)), n, 2);
    }
    return putBigEndian(dst.put((byte) (maskBit | 127)), n, 8);
  }

  /** Big-endian whatever the buffer's byte order, as the wire wants it. */
  private static ByteBuffer putBigEndian(ByteBuffer dst, long value, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      dst.put((byte) (value >>> (8 * i)));
    }
    return dst;
  }

  /** A final unmasked (server) frame with {@code opcode} around all of {@code payload}. */
  public static byte[] serverFrame(int opcode, byte[] payload) {
    return serverFrame(opcode, ByteBuffer.wrap(payload));
  }

  /**
   * A final unmasked (server) frame around the readable bytes of {@code payload}, in one array and
   * one copy. The payload buffer's position does not move.
   */
  public static byte[] serverFrame(int opcode, ByteBuffer payload) {
    int n = payload.remaining();
    int header = headerLength(n, false);
    byte[] frame = new byte[header + n];
    putHeader(ByteBuffer.wrap(frame), FIN | opcode, n);
    payload.get(payload.position(), frame, header, n);
    return frame;
  }

  /** A server close frame with {@code code} and {@code reason} (cut as {@link ClosePayload#of}). */
  public static byte[] serverClose(int code, String reason) {
    return serverFrame(Opcode.CLOSE, ClosePayload.of(code, reason));
  }

  /**
   * A masked (client) frame with {@code firstByte} (FIN, reserved bits, opcode) around the readable
   * bytes of {@code payload}, whose position does not move: one buffer, ready to write.
   */
  public static ByteBuffer clientFrame(int firstByte, ByteBuffer payload, int maskKey) {
    int n = payload.remaining();
    ByteBuffer frame = ByteBuffer.allocate(headerLength(n, true) + n);
    putMaskedHeader(frame, firstByte, n, maskKey);
    int start = frame.position();
    frame.put(start, payload, payload.position(), n).position(start + n);
    Masking.apply(frame, start, start + n, maskKey);
    return frame.flip();
  }

  /** A masked (client) frame as an array; see {@link #clientFrame(int, ByteBuffer, int)}. */
  public static byte[] clientFrame(int firstByte, byte[] payload, int maskKey) {
    return clientFrame(firstByte, ByteBuffer.wrap(payload), maskKey).array();
  }
}
