package dev.switchboard.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One frame as received, its payload already unmasked.
 *
 * @param rsv the reserved bits as in {@link FrameHeader#rsv}
 * @param payload the payload bytes; the record does not copy them
 */
@SuppressWarnings("ArrayRecordComponent") // a received frame's bytes, read by tests and clients
public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {

  /** The payload as UTF-8 text. */
  public String text() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** The status code of a close frame; {@link ClosePayload#NO_STATUS} if it has none. */
  public int closeCode() {
    return ClosePayload.code(ByteBuffer.wrap(payload));
  }

  /** The reason of a close frame, empty if it has none. */
  public String closeReason() {
    return ClosePayload.reason(ByteBuffer.wrap(payload));
  }

  public boolean isControl() {
    return Opcode.isControl(opcode);
  }
}
