package dev.switchboard.frame;

/**
 * The frame opcodes of RFC 6455 §5.2, as the low four bits of a frame's first byte. Plain ints, not
 * an enum: they are read from and written to bytes on every frame, and tests need the reserved
 * values too.
 */
public final class Opcode {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private Opcode() {}

  /** Close, ping, pong and the reserved 0xB-0xF: the opcodes with the high bit set (§5.5). */
  public static boolean isControl(int opcode) {
    return (opcode & 0x8) != 0;
  }

  /** Whether RFC 6455 defines {@code opcode}; 0x3-0x7 and 0xB-0xF are reserved. */
  public static boolean isDefined(int opcode) {
    return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
  }
}
