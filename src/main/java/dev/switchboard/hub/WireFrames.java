package dev.switchboard.hub;

/** RFC 6455 framing of complete, unmasked server-to-client frames. */
public final class WireFrames {
  public static final int OPCODE_TEXT = 0x1;
  public static final int OPCODE_BINARY = 0x2;

  private WireFrames() {}

  /** One final frame with {@code opcode} around {@code payload}: 2, 4 or 10 header bytes. */
  public static byte[] frame(int opcode, byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    byte[] f = new byte[header + n];
    f[0] = (byte) (0x80 | opcode);
    if (n < 126) {
      f[1] = (byte) n;
    } else if (n <= 0xFFFF) {
      f[1] = 126;
      f[2] = (byte) (n >>> 8);
      f[3] = (byte) n;
    } else {
      f[1] = 127;
      long len = n;
      for (int i = 0; i < 8; i++) {
        f[2 + i] = (byte) (len >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, f, header, n);
    return f;
  }
}
