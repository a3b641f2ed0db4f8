package dev.switchboard.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The encoder writes the bytes of RFC 6455's own examples (§5.7) and every length form. */
class FrameEncoderTest {
  private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.US_ASCII);
  private static final int RFC_MASK = 0x37fa213d;

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void anUnmaskedTextFrameIsTheRfcExample() {
    assertThat(FrameEncoder.serverFrame(Opcode.TEXT, HELLO))
        .containsExactly(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
  }

  @Test
  void aMaskedTextFrameIsTheRfcExample() {
    assertThat(FrameEncoder.clientFrame(FrameEncoder.FIN | Opcode.TEXT, HELLO, RFC_MASK))
        .containsExactly(bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
  }

  @Test
  void aMaskedPongIsTheRfcExample() {
    assertThat(FrameEncoder.clientFrame(FrameEncoder.FIN | Opcode.PONG, HELLO, RFC_MASK))
        .containsExactly(bytes(0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
  }

  @Test
  void a256ByteBinaryFrameHasA16BitLength() {
    byte[] f = FrameEncoder.serverFrame(Opcode.BINARY, new byte[256]);
    assertThat(Arrays.copyOf(f, 4)).containsExactly(bytes(0x82, 0x7e, 0x01, 0x00));
    assertThat(f).hasSize(4 + 256);
  }

  @Test
  void a64KibBinaryFrameHasA64BitLength() {
    byte[] f = FrameEncoder.serverFrame(Opcode.BINARY, new byte[65536]);
    assertThat(Arrays.copyOf(f, 10))
        .containsExactly(bytes(0x82, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00));
    assertThat(f).hasSize(10 + 65536);
  }

  @Test
  void eachLengthTakesItsShortestForm() {
    assertThat(FrameEncoder.headerLength(0, false)).isEqualTo(2);
    assertThat(FrameEncoder.headerLength(125, false)).isEqualTo(2);
    assertThat(FrameEncoder.headerLength(126, false)).isEqualTo(4);
    assertThat(FrameEncoder.headerLength(65535, false)).isEqualTo(4);
    assertThat(FrameEncoder.headerLength(65536, false)).isEqualTo(10);
    assertThat(FrameEncoder.headerLength(125, true)).isEqualTo(6);
    assertThat(FrameEncoder.headerLength(126, true)).isEqualTo(8);
    assertThat(FrameEncoder.headerLength(65536, true)).isEqualTo(14);
  }

  @Test
  void aHeaderAloneMayAnnounceALengthNoPayloadFollows() {
    ByteBuffer b = ByteBuffer.allocate(14);
    FrameEncoder.putMaskedHeader(b, 0x81, 1L << 40, 0x01020304);
    assertThat(Arrays.copyOf(b.array(), b.position()))
        .containsExactly(bytes(0x81, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4));
  }

  @Test
  void headersAreBigEndianWhateverTheBuffersByteOrder() {
    ByteBuffer b = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    FrameEncoder.putHeader(b, 0x82, 0x1234);
    assertThat(b.array()).containsExactly(bytes(0x82, 0x7e, 0x12, 0x34));
  }

  @Test
  void aServerFrameFromABufferLeavesItsPositionAlone() {
    ByteBuffer payload = ByteBuffer.wrap(bytes(9, 1, 2, 3)).position(1);
    assertThat(FrameEncoder.serverFrame(Opcode.BINARY, payload))
        .containsExactly(bytes(0x82, 0x03, 1, 2, 3));
    assertThat(payload.position()).isEqualTo(1);
  }

  @Test
  void aServerCloseCarriesItsCodeAndReason() {
    assertThat(FrameEncoder.serverClose(1009, "big"))
        .containsExactly(bytes(0x88, 0x05, 0x03, 0xf1, 'b', 'i', 'g'));
  }
}
