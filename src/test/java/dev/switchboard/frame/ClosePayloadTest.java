package dev.switchboard.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Close payloads: code and reason both ways, and a reason cut to fit a control frame. */
class ClosePayloadTest {
  @Test
  void codeAndReasonRoundTrip() {
    ByteBuffer p = ByteBuffer.wrap(ClosePayload.of(4002, "rate limit"));
    assertThat(ClosePayload.code(p)).isEqualTo(4002);
    assertThat(ClosePayload.reason(p)).isEqualTo("rate limit");
    assertThat(p.position()).isZero();
  }

  @Test
  void anEmptyPayloadHasNoStatusAndNoReason() {
    ByteBuffer p = ByteBuffer.allocate(0);
    assertThat(ClosePayload.code(p)).isEqualTo(1005);
    assertThat(ClosePayload.reason(p)).isEmpty();
  }

  @Test
  void aLongAsciiReasonIsCutTo123Bytes() {
    byte[] p = ClosePayload.of(1000, "x".repeat(200));
    assertThat(p).hasSize(125);
    assertThat(ClosePayload.reason(ByteBuffer.wrap(p))).isEqualTo("x".repeat(123));
  }

  @Test
  void aLongReasonIsCutBeforeACharacterItCannotHoldWhole() {
    // 122 ASCII bytes, then a 3-byte character that would end at byte 125 of the reason.
    String reason = "x".repeat(122) + "\u20ac";
    byte[] p = ClosePayload.of(1000, reason);
    assertThat(p).hasSize(2 + 122);
    assertThat(new String(p, 2, p.length - 2, StandardCharsets.UTF_8)).isEqualTo("x".repeat(122));
  }

  @Test
  void aReasonThatFitsExactlyIsKeptWhole() {
    String reason = "x".repeat(120) + "\u20ac"; // 123 bytes
    assertThat(ClosePayload.reason(ByteBuffer.wrap(ClosePayload.of(1000, reason))))
        .isEqualTo(reason);
  }
}
