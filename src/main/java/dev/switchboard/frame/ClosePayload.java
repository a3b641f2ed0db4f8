package dev.switchboard.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The payload of a close frame (RFC 6455 §5.5.1): an optional two-byte status code, then an
 * optional UTF-8 reason. A control frame carries at most 125 bytes, so the reason gets 123.
 */
public final class ClosePayload {
  /** The status a close frame without payload stands for (§7.1.5); never sent on the wire. */
  public static final int NO_STATUS = 1005;

  /** 125 bytes of control-frame payload (§5.5) less the two of the status code. */
  public static final int MAX_REASON_BYTES = 123;

  private ClosePayload() {}

  /**
   * The status code and reason, the reason cut to {@link #MAX_REASON_BYTES} at a character
   * boundary: a reason cut inside a character would not be UTF-8, which the peer must refuse.
   */
  public static byte[] of(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int n = r.length;
    if (n > MAX_REASON_BYTES) {
      n = MAX_REASON_BYTES;
      while ((r[n] & 0xC0) == 0x80) { // r[n] continues a character: cut before that character
        n--;
      }
    }
    byte[] p = new byte[2 + n];
    p[0] = (byte) (code >>> 8);
    p[1] = (byte) code;
    System.arraycopy(r, 0, p, 2, n);
    return p;
  }

  /** The status code of a close payload (read from position to limit), or {@link #NO_STATUS}. */
  public static int code(ByteBuffer payload) {
    int at = payload.position();
    return payload.remaining() >= 2
        ? ((payload.get(at) & 0xff) << 8) | (payload.get(at + 1) & 0xff)
        : NO_STATUS;
  }

  /** The reason of a close payload, empty if it has none; the buffer's position does not move. */
  public static String reason(ByteBuffer payload) {
    int n = payload.remaining() - 2;
    if (n <= 0) {
      return "";
    }
    byte[] r = new byte[n];
    payload.get(payload.position() + 2, r);
    return new String(r, StandardCharsets.UTF_8);
  }
}
