package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.frame.ClosePayload;
import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.Opcode;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/** The guard's record of the peer's close frame, however the bytes are split across reads. */
class FrameGuardTest {
  private static final int MASK = 0x11223344;
  private static final int TEXT = FrameEncoder.FIN | Opcode.TEXT;
  private static final int CLOSE = FrameEncoder.FIN | Opcode.CLOSE;

  private static FrameGuard guard() {
    return new FrameGuard(64 * 1024, 16);
  }

  /** A masked client frame. */
  private static byte[] frame(int firstByte, byte[] payload) {
    return FrameEncoder.clientFrame(firstByte, payload, MASK);
  }

  private static Buffer buffer(byte[] bytes, int from, int to) {
    return Buffers.wrap(
        MemoryManager.DEFAULT_MEMORY_MANAGER, java.util.Arrays.copyOfRange(bytes, from, to));
  }

  /** Feeds {@code bytes} one byte per read, the worst split there is. */
  private static void feedByteByByte(FrameGuard g, byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      Buffer b = buffer(bytes, i, i + 1);
      assertThat(g.inspect(b)).isNull();
      assertThat(b.position()).isZero(); // inspected, not consumed
    }
  }

  @Test
  void thePeersCloseStatusIsRecordedEvenWhenEveryByteArrivesAlone() {
    FrameGuard g = guard();
    byte[] text = frame(TEXT, "hi".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] close = frame(CLOSE, ClosePayload.of(4001, "bye"));
    feedByteByByte(g, text);
    assertThat(g.peerCloseStatus()).isEqualTo(FrameGuard.NO_CLOSE);
    feedByteByByte(g, close);
    assertThat(g.peerCloseStatus()).isEqualTo(4001);
  }

  @Test
  void aCloseWithoutPayloadHasNoStatusAndOneWithOneByteIsMalformed() {
    FrameGuard empty = guard();
    assertThat(empty.inspect(buffer(frame(CLOSE, new byte[0]), 0, 6))).isNull();
    assertThat(empty.peerCloseStatus()).isEqualTo(FrameGuard.NO_STATUS);

    FrameGuard oneByte = guard();
    byte[] f = frame(CLOSE, new byte[] {0x03}); // one byte of a status code
    assertThat(oneByte.inspect(buffer(f, 0, f.length))).isNull();
    assertThat(oneByte.peerCloseStatus()).isEqualTo(FrameGuard.MALFORMED);
  }

  @Test
  void theFirstCloseFrameCountsAndFramesAfterItAreStillGuarded() {
    FrameGuard g = guard();
    byte[] first = frame(CLOSE, ClosePayload.of(1000, ""));
    byte[] second = frame(CLOSE, ClosePayload.of(1001, ""));
    byte[] both = ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
    assertThat(g.inspect(buffer(both, 0, both.length))).isNull();
    assertThat(g.peerCloseStatus()).isEqualTo(1000);
    byte[] unmasked = FrameEncoder.serverFrame(Opcode.TEXT, new byte[] {'x'});
    assertThat(g.inspect(buffer(unmasked, 0, unmasked.length)).code().code()).isEqualTo(1002);
  }

  @Test
  void aLengthWithItsTopBitSetIsAProtocolError() {
    ByteBuffer h = FrameEncoder.putMaskedHeader(ByteBuffer.allocate(14), TEXT, 1L << 20, MASK);
    h.put(2, (byte) 0x80); // the most significant byte of the 64-bit length
    byte[] bytes = java.util.Arrays.copyOf(h.array(), h.position());
    FrameGuard.Violation v = guard().inspect(buffer(bytes, 0, bytes.length));
    assertThat(v.code().code()).isEqualTo(1002);
    assertThat(v.reason()).isEqualTo("frame length has its most significant bit set");
  }

  @Test
  void rsv1IsAllowedOnlyOnAMessagesFirstFrameOnceDeflateIsNegotiated() {
    byte[] compressed = frame(TEXT | FrameEncoder.RSV1, new byte[] {1, 2, 3});
    assertThat(guard().inspect(buffer(compressed, 0, compressed.length)).code().code())
        .isEqualTo(1002);

    FrameGuard g = guard();
    g.allowCompressed();
    assertThat(g.inspect(buffer(compressed, 0, compressed.length))).isNull();
    byte[] first = frame(Opcode.TEXT | FrameEncoder.RSV1, new byte[] {1});
    byte[] next = frame(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.CONTINUATION, new byte[] {2});
    assertThat(g.inspect(buffer(first, 0, first.length))).isNull();
    assertThat(g.inspect(buffer(next, 0, next.length)).code().code()).isEqualTo(1002);

    FrameGuard rsv2 = guard();
    rsv2.allowCompressed();
    byte[] other = frame(TEXT | 0x20, new byte[] {1});
    assertThat(rsv2.inspect(buffer(other, 0, other.length)).code().code()).isEqualTo(1002);
    FrameGuard ping = guard();
    ping.allowCompressed();
    byte[] compressedPing = frame(FrameEncoder.FIN | FrameEncoder.RSV1 | Opcode.PING, new byte[0]);
    assertThat(ping.inspect(buffer(compressedPing, 0, compressedPing.length)).code().code())
        .isEqualTo(1002);
  }

  @Test
  void answeringClosesTurnsTheCloseIntoAPongInPlaceEvenWhenEveryByteArrivesAlone() {
    FrameGuard g = new FrameGuard(64 * 1024, 16, true);
    byte[] close = frame(CLOSE, ClosePayload.of(1013, "later"));
    byte[] seen = new byte[close.length];
    for (int i = 0; i < close.length; i++) {
      Buffer b = buffer(close, i, i + 1);
      assertThat(g.inspect(b)).isNull();
      seen[i] = b.get(0);
    }
    assertThat(seen[0]).as("FIN and the pong opcode").isEqualTo((byte) (FrameEncoder.FIN | 0xA));
    assertThat(g.takePeerClose()).isEqualTo(new FrameGuard.PeerClose(1013, "later"));
    assertThat(g.closeEnd()).isEqualTo(1); // the last byte of the frame ended that read
    assertThat(g.closeAnswered()).isTrue();
  }

  @Test
  void answeringClosesRefusesReservedCodesAndAOneByteStatus() {
    byte[][] payloads = {{0x03}, {0x03, (byte) 0xED}, {0x03, (byte) 0xF7}, {0x13, (byte) 0x88}};
    for (byte[] p : payloads) {
      FrameGuard g = new FrameGuard(64 * 1024, 16, true);
      byte[] f = frame(CLOSE, p);
      assertThat(g.inspect(buffer(f, 0, f.length)).code().code()).isEqualTo(1002);
      assertThat(g.takePeerClose()).isNull();
    }
  }
}
