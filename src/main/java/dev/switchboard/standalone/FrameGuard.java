package dev.switchboard.standalone;

import dev.switchboard.protocol.CloseCode;
import org.glassfish.grizzly.Buffer;

/**
 * Checks every client frame header of one WebSocket connection as the bytes stream in, before
 * Tyrus buffers anything: masking, reserved bits, opcodes, control-frame rules, fragment order,
 * the frame length against the message limit (right after the header, so a header announcing a
 * gigabyte costs nothing), the total size of a fragmented message and its number of fragments.
 * Payload bytes are skipped by count, never copied.
 *
 * <p>Confined to the connection's read processing (Grizzly reads a connection on one thread at a
 * time).
 */
final class FrameGuard {
  /** A broken rule: the close code and its reason. */
  record Violation(CloseCode code, String reason) {}

  private final long maxMessage;
  private final int maxFragments;
  private final byte[] header = new byte[14];
  private int headerLength;
  private int headerNeeded = 2;
  private long payloadLeft;
  private boolean inMessage;
  private long messageBytes;
  private int fragments;

  FrameGuard(long maxMessage, int maxFragments) {
    this.maxMessage = maxMessage;
    this.maxFragments = maxFragments;
  }

  /** Inspects the readable bytes of {@code buffer} without moving its position. */
  Violation inspect(Buffer buffer) {
    int i = buffer.position();
    int limit = buffer.limit();
    while (i < limit) {
      if (payloadLeft > 0) {
        long skip = Math.min(payloadLeft, limit - i);
        i += (int) skip;
        payloadLeft -= skip;
        continue;
      }
      header[headerLength++] = buffer.get(i++);
      if (headerLength == 2) {
        Violation v = firstTwoBytes();
        if (v != null) {
          return v;
        }
      }
      if (headerLength == headerNeeded) {
        Violation v = completeHeader();
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  private Violation firstTwoBytes() {
    int b0 = header[0] & 0xff;
    int b1 = header[1] & 0xff;
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0f;
    int len7 = b1 & 0x7f;
    if ((b1 & 0x80) == 0) {
      return protocol("client frames must be masked (RFC 6455 5.1)");
    }
    if ((b0 & 0x70) != 0) {
      return protocol("reserved bits set without a negotiated extension");
    }
    boolean control = opcode >= 0x8;
    if (opcode != 0x0 && opcode != 0x1 && opcode != 0x2 && opcode != 0x8 && opcode != 0x9 && opcode != 0xA) {
      return protocol("unknown opcode " + opcode);
    }
    if (control && (!fin || len7 > 125)) {
      return protocol("control frames must be final and at most 125 bytes");
    }
    if (!control) {
      if (opcode == 0x0 && !inMessage) {
        return protocol("continuation frame without a message to continue");
      }
      if (opcode != 0x0 && inMessage) {
        return protocol("new message before the fragmented one finished");
      }
    }
    headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
    return null;
  }

  private Violation completeHeader() {
    int b0 = header[0] & 0xff;
    int len7 = header[1] & 0x7f;
    long length;
    if (len7 == 126) {
      length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
    } else if (len7 == 127) {
      length = 0;
      for (int k = 2; k < 10; k++) {
        length = (length << 8) | (header[k] & 0xffL);
      }
      if (length < 0) {
        return protocol("frame length has its most significant bit set");
      }
    } else {
      length = len7;
    }
    headerLength = 0;
    headerNeeded = 2;
    int opcode = b0 & 0x0f;
    if (opcode < 0x8) {
      boolean fin = (b0 & 0x80) != 0;
      if (length > maxMessage - messageBytes) {
        return new Violation(CloseCode.MESSAGE_TOO_BIG, "message over " + maxMessage + " bytes");
      }
      if (++fragments > maxFragments) {
        return new Violation(CloseCode.MESSAGE_TOO_BIG, "message in more than " + maxFragments + " fragments");
      }
      messageBytes += length;
      inMessage = !fin;
      if (fin) {
        messageBytes = 0;
        fragments = 0;
      }
    }
    payloadLeft = length;
    return null;
  }

  private static Violation protocol(String reason) {
    return new Violation(CloseCode.PROTOCOL_ERROR, reason);
  }
}
