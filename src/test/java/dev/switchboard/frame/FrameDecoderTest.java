package dev.switchboard.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the encoder writes the decoder reads back, at every length boundary, masked or not, in one
 * piece, byte by byte and from a stream; and it refuses what no frame may announce.
 */
class FrameDecoderTest {
  private static final int MASK = 0x9e3779b9;

  private static byte[] payload(int n) {
    byte[] p = new byte[n];
    new Random(n).nextBytes(p);
    return p;
  }

  /** Everything {@code decoder} has complete now, and then asserts nothing is left. */
  private static List<Frame> drain(FrameDecoder decoder) throws ProtocolException {
    List<Frame> out = new ArrayList<>();
    for (Frame f = decoder.poll(); f != null; f = decoder.poll()) {
      out.add(f);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
  void aServerFrameRoundTripsAtEachLengthBoundary(int n) throws IOException {
    byte[] p = payload(n);
    FrameDecoder d = new FrameDecoder(1 << 20);
    d.feed(ByteBuffer.wrap(FrameEncoder.serverFrame(Opcode.BINARY, p)));
    List<Frame> frames = drain(d);
    assertThat(frames).hasSize(1);
    Frame f = frames.get(0);
    assertThat(f.fin()).isTrue();
    assertThat(f.rsv()).isZero();
    assertThat(f.opcode()).isEqualTo(Opcode.BINARY);
    assertThat(f.payload()).isEqualTo(p);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 4, 7, 8, 9, 125, 126, 65535, 65536})
  void aMaskedClientFrameRoundTripsAtEachLengthBoundary(int n) throws IOException {
    byte[] p = payload(n);
    byte[] wire = FrameEncoder.clientFrame(FrameEncoder.FIN | Opcode.TEXT, p, MASK);
    FrameHeader h = new FrameHeader();
    assertThat(h.peek(ByteBuffer.wrap(wire))).isTrue();
    assertThat(h.masked()).isTrue();
    assertThat(h.maskKey()).isEqualTo(MASK);
    assertThat(h.payloadLength()).isEqualTo(n);
    assertThat(h.length()).isEqualTo(wire.length - n);
    FrameDecoder d = new FrameDecoder(1 << 20);
    d.feed(wire, 0, wire.length);
    assertThat(drain(d)).singleElement().satisfies(f -> assertThat(f.payload()).isEqualTo(p));
  }

  @Test
  void framesArrivingByteByByteComeOutWholeAndInOrder() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(
        FrameEncoder.clientFrame(Opcode.TEXT, "Hel".getBytes(StandardCharsets.UTF_8), MASK));
    wire.writeBytes(FrameEncoder.clientFrame(FrameEncoder.FIN | Opcode.PING, new byte[0], MASK));
    wire.writeBytes(
        FrameEncoder.clientFrame(
            FrameEncoder.FIN | Opcode.CONTINUATION, "lo".getBytes(StandardCharsets.UTF_8), MASK));
    wire.writeBytes(FrameEncoder.serverFrame(Opcode.BINARY, payload(300)));
    wire.writeBytes(FrameEncoder.serverClose(4001, "bye"));
    byte[] bytes = wire.toByteArray();

    FrameDecoder d = new FrameDecoder(1024);
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      d.feed(bytes, i, i + 1);
      frames.addAll(drain(d));
    }

    assertThat(frames)
        .extracting(Frame::opcode)
        .containsExactly(
            Opcode.TEXT, Opcode.PING, Opcode.CONTINUATION, Opcode.BINARY, Opcode.CLOSE);
    assertThat(frames).extracting(Frame::fin).containsExactly(false, true, true, true, true);
    assertThat(frames.get(0).text()).isEqualTo("Hel");
    assertThat(frames.get(2).text()).isEqualTo("lo");
    assertThat(frames.get(3).payload()).isEqualTo(payload(300));
    assertThat(frames.get(4).closeCode()).isEqualTo(4001);
    assertThat(frames.get(4).closeReason()).isEqualTo("bye");
    assertThat(d.poll()).isNull();
  }

  @Test
  void severalFramesInOneChunkAreHandedOutOneByOne() throws IOException {
    byte[] a = FrameEncoder.serverFrame(Opcode.TEXT, "a".getBytes(StandardCharsets.UTF_8));
    byte[] b = FrameEncoder.serverFrame(Opcode.TEXT, "b".getBytes(StandardCharsets.UTF_8));
    FrameDecoder d = new FrameDecoder(16);
    d.feed(ByteBuffer.allocate(a.length + b.length).put(a).put(b).flip());
    assertThat(drain(d)).extracting(Frame::text).containsExactly("a", "b");
  }

  @Test
  void reservedBitsAndOpcodesAreReportedNotJudged() throws IOException {
    FrameDecoder d = new FrameDecoder(16);
    d.feed(ByteBuffer.wrap(FrameEncoder.clientFrame(0xC3, new byte[] {'x'}, MASK)));
    Frame f = d.poll();
    assertThat(f.rsv()).isEqualTo(4); // RSV1
    assertThat(f.opcode()).isEqualTo(3);
    assertThat(f.text()).isEqualTo("x");
  }

  @Test
  void aFrameOverTheLimitIsRefusedFromItsHeaderAlone() {
    ByteBuffer header = FrameEncoder.putMaskedHeader(ByteBuffer.allocate(14), 0x81, 1L << 30, 1);
    FrameDecoder d = new FrameDecoder(64 * 1024);
    d.feed(header.flip());
    assertThatThrownBy(d::poll).isInstanceOf(ProtocolException.class).hasMessageContaining("over");
  }

  @Test
  void a64BitLengthWithItsTopBitSetIsRefused() {
    ByteBuffer header = FrameEncoder.putHeader(ByteBuffer.allocate(10), 0x82, 1L << 20);
    header.put(2, (byte) 0x80); // the most significant byte of the 64-bit length
    FrameDecoder d = new FrameDecoder(64);
    d.feed(header.flip());
    assertThatThrownBy(d::poll)
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("most significant bit");
  }

  @Test
  void aStreamYieldsOneFrameAtATimeAndEndsWithEof() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(FrameEncoder.clientFrame(0x81, payload(65536), MASK));
    wire.writeBytes(FrameEncoder.serverFrame(Opcode.TEXT, "hi".getBytes(StandardCharsets.UTF_8)));
    ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());
    assertThat(FrameDecoder.read(in).payload()).isEqualTo(payload(65536));
    assertThat(FrameDecoder.read(in).text()).isEqualTo("hi");
    assertThatThrownBy(() -> FrameDecoder.read(in)).isInstanceOf(EOFException.class);
  }

  @Test
  void aStreamFrameOverTheLimitIsRefusedBeforeItsPayloadIsRead() {
    ByteArrayInputStream in =
        new ByteArrayInputStream(FrameEncoder.serverFrame(Opcode.TEXT, new byte[200]));
    assertThatThrownBy(() -> FrameDecoder.read(in, 100)).isInstanceOf(ProtocolException.class);
    assertThat(in.available()).isEqualTo(200);
  }

  @Test
  void anIncompleteHeaderLeavesTheFieldsAsTheyWere() {
    FrameHeader h = new FrameHeader();
    assertThat(h.peek(ByteBuffer.wrap(FrameEncoder.serverFrame(Opcode.TEXT, new byte[3]))))
        .isTrue();
    assertThat(h.peek(ByteBuffer.wrap(new byte[] {(byte) 0x82, (byte) 0xfe, 0x01}))).isFalse();
    assertThat(h.opcode()).isEqualTo(Opcode.TEXT);
    assertThat(h.payloadLength()).isEqualTo(3);
  }
}
