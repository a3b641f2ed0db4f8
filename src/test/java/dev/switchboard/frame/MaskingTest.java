package dev.switchboard.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Eight bytes at a time gives what one byte at a time gives, at any offset, length and order. */
class MaskingTest {
  private static final int KEY = 0xa1b2c3d4;

  private static byte[] byteByByte(byte[] data, int from, int to) {
    byte[] out = data.clone();
    byte[] key = {(byte) 0xa1, (byte) 0xb2, (byte) 0xc3, (byte) 0xd4};
    for (int i = from; i < to; i++) {
      out[i] ^= key[(i - from) & 3];
    }
    return out;
  }

  @Test
  void everyOffsetAndLengthMatchesTheByteByByteDefinition() {
    byte[] data = new byte[40];
    new Random(1).nextBytes(data);
    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
      for (int from = 0; from < 9; from++) {
        for (int to = from; to <= data.length; to++) {
          ByteBuffer b = ByteBuffer.wrap(data.clone()).order(order);
          Masking.apply(b, from, to, KEY);
          assertThat(b.array())
              .as("%s [%d, %d)", order, from, to)
              .isEqualTo(byteByByte(data, from, to));
        }
      }
    }
  }

  @Test
  void maskingTwiceGivesTheDataBack() {
    byte[] data = new byte[1000];
    new Random(2).nextBytes(data);
    byte[] copy = data.clone();
    Masking.apply(copy, KEY);
    assertThat(copy).isNotEqualTo(data);
    Masking.apply(copy, KEY);
    assertThat(copy).isEqualTo(data);
  }

  @Test
  void aDirectBufferIsMaskedInPlaceToo() {
    ByteBuffer b = ByteBuffer.allocateDirect(11);
    b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    Masking.apply(b, 0, 11, KEY);
    byte[] got = new byte[11];
    b.get(0, got);
    assertThat(got).isEqualTo(byteByByte(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0, 11));
  }
}
