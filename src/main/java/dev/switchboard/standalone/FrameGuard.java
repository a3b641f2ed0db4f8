package dev.switchboard.standalone;

import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.FrameHeader;
import dev.switchboard.frame.Opcode;
import dev.switchboard.protocol.CloseCode;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Checks every client frame header of one WebSocket connection as the bytes stream in, before Tyrus
 * buffers anything: masking, reserved bits (RSV1 only on a message's first frame, and only with
 * permessage-deflate), opcodes, control-frame rules, fragment order, the frame length against the
 * message limit (right after the header, so a header announcing a gigabyte costs nothing), the
 * total size of a fragmented message and its number of fragments. Payload bytes are skipped by
 * count, never copied, but for the status code of the peer's close frame, which it records so the
 * server can tell the peer's closes from Tyrus's own.
 *
 * <p>Confined to the connection's read processing (Grizzly reads a connection on one thread at a
 * time), but for {@link #peerCloseStatus}, which any thread may read.
 */
final class FrameGuard {
  /** A broken rule: the close code and its reason. */
  record Violation(CloseCode code, String reason) {}

  /** {@link #peerCloseStatus} before the peer sent a close frame. */
  static final int NO_CLOSE = 0;

  /** {@link #peerCloseStatus} of a close frame without payload (RFC 6455 §7.1.5). */
  static final int NO_STATUS = 1005;

  /** {@link #peerCloseStatus} of a close frame with one payload byte, too short for a status. */
  static final int MALFORMED = -1;

  private final long maxMessage;
  private final int maxFragments;

  /** The header bytes read so far (write mode), decoded into {@link #decoded} once complete. */
  private final ByteBuffer header = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);

  private final FrameHeader decoded = new FrameHeader();
  private int headerNeeded = 2;
  private long payloadLeft;
  private boolean inMessage;
  private long messageBytes;
  private int fragments;

  /** Status bytes of a close frame still to read (0 outside a close frame's first two bytes). */
  private int statusLeft;

  private int statusRead;
  private int status;
  private int maskKey;

  /**
   * The status of the first close frame the peer sent, read by the thread that reports the close.
   */
  private volatile int peerCloseStatus = NO_CLOSE;

  /**
   * The violation this guard reported, which the server answered with a close frame of its own;
   * written by the reading thread, read by the thread that reports the close.
   */
  private volatile @Nullable Violation violation;

  /**
   * Whether permessage-deflate was negotiated, so a message's first frame may set RSV1; set once
   * the upgrade is done, before the connection's next read.
   */
  private volatile boolean deflate;

  FrameGuard(long maxMessage, int maxFragments) {
    this.maxMessage = maxMessage;
    this.maxFragments = maxFragments;
  }

  /** Lets a message's first frame set RSV1: the connection negotiated permessage-deflate. */
  void allowCompressed() {
    deflate = true;
  }

  /** Inspects the readable bytes of {@code buffer} without moving its position. */
  @Nullable Violation inspect(Buffer buffer) {
    int i = buffer.position();
    int limit = buffer.limit();
    while (i < limit) {
      if (statusLeft > 0) {
        int maskByte = maskKey >>> (24 - 8 * statusRead++);
        status = (status << 8) | ((buffer.get(i++) ^ maskByte) & 0xff);
        payloadLeft--;
        if (--statusLeft == 0) {
          closeStatus(statusRead == 2 ? status : MALFORMED);
        }
        continue;
      }
      if (payloadLeft > 0) {
        long skip = Math.min(payloadLeft, limit - i);
        i += (int) skip;
        payloadLeft -= skip;
        continue;
      }
      header.put(buffer.get(i++));
      if (header.position() == 2) {
        Violation v = firstTwoBytes();
        if (v != null) {
          return violated(v);
        }
      }
      if (header.position() == headerNeeded) {
        Violation v = completeHeader();
        if (v != null) {
          return violated(v);
        }
      }
    }
    return null;
  }

  private @Nullable Violation firstTwoBytes() {
    int b0 = header.get(0) & 0xff;
    int b1 = header.get(1) & 0xff;
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0f;
    int len7 = b1 & 0x7f;
    if ((b1 & 0x80) == 0) {
      return protocol("client frames must be masked (RFC 6455 5.1)");
    }
    boolean control = Opcode.isControl(opcode);
    if (!Opcode.isDefined(opcode)) {
      return protocol("unknown opcode " + opcode);
    }
    int rsv = b0 & 0x70;
    if (rsv != 0) {
      if (!deflate) {
        return protocol("reserved bits set without a negotiated extension");
      }
      if (rsv != FrameEncoder.RSV1 || control || opcode == Opcode.CONTINUATION) {
        return protocol("only the first frame of a message may set RSV1 (RFC 7692 6.1)");
      }
    }
    if (control && (!fin || len7 > 125)) {
      return protocol("control frames must be final and at most 125 bytes");
    }
    if (!control) {
      if (opcode == Opcode.CONTINUATION && !inMessage) {
        return protocol("continuation frame without a message to continue");
      }
      if (opcode != Opcode.CONTINUATION && inMessage) {
        return protocol("new message before the fragmented one finished");
      }
    }
    headerNeeded = FrameHeader.lengthOf(b1);
    return null;
  }

  /**
   * The status code of the first close frame the peer sent: {@link #NO_CLOSE} if none arrived,
   * {@link #NO_STATUS} if it had no payload, {@link #MALFORMED} if one byte. Recorded before the
   * frame goes on to Tyrus, so it is set when Tyrus reports that close.
   */
  /** The violation reported (the server then closed the connection), or null. */
  @Nullable Violation violation() {
    return violation;
  }

  private Violation violated(Violation v) {
    if (violation == null) {
      violation = v;
    }
    return v;
  }

  int peerCloseStatus() {
    return peerCloseStatus;
  }

  private void closeStatus(int value) {
    if (peerCloseStatus == NO_CLOSE) {
      peerCloseStatus = value;
    }
  }

  private @Nullable Violation completeHeader() {
    decoded.peek(header.flip());
    header.clear();
    long length = decoded.payloadLength();
    if (length < 0) {
      return protocol("frame length has its most significant bit set");
    }
    headerNeeded = 2;
    int opcode = decoded.opcode();
    if (!Opcode.isControl(opcode)) {
      boolean fin = decoded.fin();
      if (length > maxMessage - messageBytes) {
        return new Violation(CloseCode.MESSAGE_TOO_BIG, "message over " + maxMessage + " bytes");
      }
      if (++fragments > maxFragments) {
        return new Violation(
            CloseCode.MESSAGE_TOO_BIG, "message in more than " + maxFragments + " fragments");
      }
      messageBytes += length;
      inMessage = !fin;
      if (fin) {
        messageBytes = 0;
        fragments = 0;
      }
    }
    if (opcode == Opcode.CLOSE) {
      if (length == 0) {
        closeStatus(NO_STATUS);
      } else {
        maskKey = decoded.maskKey();
        statusLeft = (int) Math.min(2, length); // a control frame is at most 125 bytes
        statusRead = 0;
        status = 0;
      }
    }
    payloadLeft = length;
    return null;
  }

  private static Violation protocol(String reason) {
    return new Violation(CloseCode.PROTOCOL_ERROR, reason);
  }
}
