package dev.switchboard.frame;

import java.nio.ByteBuffer;

/**
 * One frame header (RFC 6455 §5.2) decoded in place from a buffer. Mutable and meant to be reused,
 * one per connection, so that reading a frame allocates nothing; each {@link #peek} overwrites the
 * fields. It decodes and does not judge: whether a client frame must be masked, which opcodes and
 * reserved bits are allowed and how long a frame may be are the reader's rules to apply.
 *
 * <p>Not thread-safe: confined to the thread that reads the connection.
 */
public final class FrameHeader {
  /** The longest header: two bytes, a 64-bit extended length and a masking key. */
  public static final int MAX_LENGTH = 14;

  private int first;
  private int second;
  private long payloadLength;
  private int maskKey;
  private int length;

  /**
   * The length of the header whose second byte is {@code secondByte}: 2, plus 2 or 8 when the 7-bit
   * length is 126 or 127 (a 16- or 64-bit length follows), plus 4 when the mask bit is set.
   */
  public static int lengthOf(int secondByte) {
    int len7 = secondByte & 0x7f;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((secondByte & 0x80) != 0 ? 4 : 0);
  }

  /**
   * Decodes the header that starts at {@code buf}'s position if the readable bytes hold all of it.
   * The buffer's position, limit and byte order do not matter or change.
   *
   * @return whether the header was complete; when false the fields are unchanged
   */
  public boolean peek(ByteBuffer buf) {
    int at = buf.position();
    if (buf.remaining() < 2) {
      return false;
    }
    int b1 = buf.get(at + 1) & 0xff;
    int n = lengthOf(b1);
    if (buf.remaining() < n) {
      return false;
    }
    first = buf.get(at) & 0xff;
    second = b1;
    length = n;
    int len7 = b1 & 0x7f;
    int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    payloadLength = extended == 0 ? len7 : bigEndian(buf, at + 2, extended);
    maskKey = masked() ? (int) bigEndian(buf, at + 2 + extended, 4) : 0;
    return true;
  }

  private static long bigEndian(ByteBuffer buf, int at, int bytes) {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (buf.get(at + i) & 0xff);
    }
    return v;
  }

  /** The first byte as sent: FIN, the three reserved bits and the opcode. */
  public int firstByte() {
    return first;
  }

  public boolean fin() {
    return (first & 0x80) != 0;
  }

  /** The reserved bits RSV1-RSV3 as a number from 0 to 7 (RSV1 is 4); 0 without extensions. */
  public int rsv() {
    return (first >>> 4) & 0x7;
  }

  public int opcode() {
    return first & 0x0f;
  }

  public boolean masked() {
    return (second & 0x80) != 0;
  }

  /** The masking key; 0 when the frame is not masked. */
  public int maskKey() {
    return maskKey;
  }

  /**
   * The payload length as announced. Negative when a 64-bit length has its most significant bit
   * set, which §5.2 forbids: a reader must refuse such a frame.
   */
  public long payloadLength() {
    return payloadLength;
  }

  /** The header's own length in bytes: where the payload starts. */
  public int length() {
    return length;
  }
}
