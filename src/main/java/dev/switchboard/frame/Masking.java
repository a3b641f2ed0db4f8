package dev.switchboard.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The masking of client frames (RFC 6455 §5.3): payload byte {@code i} is XORed with byte {@code i
 * % 4} of the 32-bit key, most significant first. The same operation masks and unmasks. It works
 * eight bytes at a time: byte by byte it is what made naive Tyrus spend 81% of its time on 64 KiB
 * messages.
 */
public final class Masking {
  private Masking() {}

  /**
   * XORs the bytes of {@code buf} from index {@code from} (the payload's first byte) to {@code to}
   * with {@code key}, in place, by absolute index: position and limit do not move.
   */
  public static void apply(ByteBuffer buf, int from, int to, int key) {
    long twice = ((long) key << 32) | (key & 0xFFFF_FFFFL);
    long eight = buf.order() == ByteOrder.BIG_ENDIAN ? twice : Long.reverseBytes(twice);
    int i = from;
    // Each step starts a multiple of 8 (so of 4) bytes into the payload: the key lines up again.
    for (; i + 8 <= to; i += 8) {
      buf.putLong(i, buf.getLong(i) ^ eight);
    }
    for (; i < to; i++) {
      buf.put(i, (byte) (buf.get(i) ^ (key >>> (24 - 8 * ((i - from) & 3)))));
    }
  }

  /** Masks or unmasks all of {@code payload} in place. */
  public static void apply(byte[] payload, int key) {
    apply(ByteBuffer.wrap(payload), 0, payload.length, key);
  }
}
