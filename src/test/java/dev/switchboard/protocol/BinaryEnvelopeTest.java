package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BinaryEnvelopeTest {
  private final CommandDecoder decoder = new CommandDecoder();

  @Test
  void aPublishEnvelopeRoundTripsWithAndWithoutId() throws Exception {
    byte[] payload = {0, 1, 2, (byte) 255};
    assertThat(decoder.decodeBinary(BinaryEnvelope.encodePublish(4_000_000_000L, "img:1", payload)))
        .isEqualTo(new Command.Publish(4_000_000_000L, "img:1", new Payload.Binary(payload)));
    assertThat(decoder.decodeBinary(BinaryEnvelope.encodePublish(Command.NO_ID, "a", new byte[0])))
        .isEqualTo(new Command.Publish(Command.NO_ID, "a", new Payload.Binary(new byte[0])));
  }

  @Test
  void decodingLeavesTheCallersBufferUntouched() throws Exception {
    ByteBuffer frame = BinaryEnvelope.encodePublish(1, "a", new byte[] {7});
    int position = frame.position();
    decoder.decodeBinary(frame);
    assertThat(frame.position()).isEqualTo(position);
  }

  @Test
  void refusesMalformedEnvelopes() {
    assertCode(new byte[] {}, ErrorCode.MALFORMED);
    assertCode(new byte[] {1, 0}, ErrorCode.MALFORMED);
    assertCode(new byte[] {2, 0, 1, 'a'}, ErrorCode.MALFORMED); // server kind from a client
    assertCode(new byte[] {1, 1, 0, 0}, ErrorCode.MALFORMED); // id announced, too short
    assertCode(new byte[] {1, 0, 5, 'a', 'b'}, ErrorCode.MALFORMED); // channel cut short
    assertCode(new byte[] {1, 0, 0}, ErrorCode.BAD_CHANNEL); // empty channel
    assertCode(new byte[] {1, 0, 2, 'a', ' '}, ErrorCode.BAD_CHANNEL);
  }

  @Test
  void aPublicationCarriesKindFlagsChannelAndPayload() {
    ByteBuffer b = BinaryEnvelope.encodePublication("ch", new byte[] {9, 8});
    assertThat(b.isReadOnly())
        .as("containers such as Open Liberty cannot send read-only buffers")
        .isFalse();
    byte[] all = new byte[b.remaining()];
    b.get(all);
    assertThat(all).containsExactly(2, 0, 2, 'c', 'h', 9, 8);
  }

  private void assertCode(byte[] frame, ErrorCode code) {
    assertThatThrownBy(() -> decoder.decodeBinary(ByteBuffer.wrap(frame)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
