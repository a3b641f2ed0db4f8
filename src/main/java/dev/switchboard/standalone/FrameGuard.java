package dev.switchboard.standalone;

import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.FrameHeader;
import dev.switchboard.frame.Opcode;
import dev.switchboard.protocol.CloseCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Checks every client frame header of one WebSocket connection as the bytes stream in, before Tyrus
 * buffers anything: masking, reserved bits (RSV1 only on a message's first frame, and only with
 * permessage-deflate), opcodes, control-frame rules, fragment order, the frame length against the
 * message limit (right after the header, so a header announcing a gigabyte costs nothing), the
 * total size of a fragmented message and its number of fragments. Payload bytes are skipped by
 * count, never copied, but for the peer's close frame (at most 125 bytes), whose status it records
 * so the server can tell the peer's closes from Tyrus's own.
 *
 * <p>When it answers closes ({@link #FrameGuard(long, int, boolean)}), the peer's close frame never
 * reaches Tyrus: its opcode is turned into a pong's in the read buffer, as the first header byte
 * streams past, and the guard validates the close itself (status code registered and sendable,
 * reason valid UTF-8) and hands the server a {@link PeerClose} to answer through Tyrus. Tyrus 2.2
 * refuses client closes with 1012, 1013 and 1014, codes IANA registered that a peer may send (it
 * answers them with 1002), and the status code arrives after the opcode, possibly in a later read,
 * so only a decision made at the opcode byte can keep every close away from Tyrus. Bytes after the
 * close frame are dropped ({@link #closeEnd}): RFC 6455 §5.5.1 lets nothing follow a close.
 *
 * <p>Confined to the connection's read processing (Grizzly reads a connection on one thread at a
 * time), but for {@link #peerCloseStatus}, which any thread may read.
 */
final class FrameGuard {
  /** A broken rule: the close code and its reason. */
  record Violation(CloseCode code, String reason) {}

  /**
   * A valid close frame the peer sent, to be answered with the same code and reason; {@link
   * #NO_STATUS} when it had no payload (answered with 1000, reported to the endpoint as 1005).
   */
  record PeerClose(int code, String reason) {}

  /** Largest control-frame payload (RFC 6455 §5.5). */
  private static final int MAX_CONTROL_PAYLOAD = 125;

  /** {@link #peerCloseStatus} before the peer sent a close frame. */
  static final int NO_CLOSE = 0;

  /** {@link #peerCloseStatus} of a close frame without payload (RFC 6455 §7.1.5). */
  static final int NO_STATUS = 1005;

  /** {@link #peerCloseStatus} of a close frame with one payload byte, too short for a status. */
  static final int MALFORMED = -1;

  private final long maxMessage;
  private final int maxFragments;
  private final boolean answerCloses;

  /** The header bytes read so far (write mode), decoded into {@link #decoded} once complete. */
  private final ByteBuffer header = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);

  private final FrameHeader decoded = new FrameHeader();
  private int headerNeeded = 2;
  private long payloadLeft;
  private boolean inMessage;
  private long messageBytes;
  private int fragments;

  /** Payload bytes of a close frame still to read (0 outside a close frame's payload). */
  private int closeLeft;

  /**
   * The close frame's payload read so far, unmasked; {@link #closeLength} bytes of it. Allocated
   * when a close frame arrives: an idle connection should not carry it.
   */
  private byte[] closePayload = NO_PAYLOAD;

  private static final byte[] NO_PAYLOAD = new byte[0];

  private int closeLength;
  private int maskKey;

  /** The peer's first close frame was read whole (answering closes: nothing after it counts). */
  private boolean closeRead;

  /** The close to answer, read in the last {@link #inspect}; taken by {@link #takePeerClose}. */
  private @Nullable PeerClose peerClose;

  /** Where that close frame ended in the buffer last inspected. */
  private int closeEnd = -1;

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

  /** A guard that records the peer's close status and leaves closes to Tyrus. */
  FrameGuard(long maxMessage, int maxFragments) {
    this(maxMessage, maxFragments, false);
  }

  /** Lets a message's first frame set RSV1: the connection negotiated permessage-deflate. */
  void allowCompressed() {
    deflate = true;
  }

  /**
   * @param answerCloses whether the peer's close frames are kept from Tyrus and answered by the
   *     server (see the class comment)
   */
  FrameGuard(long maxMessage, int maxFragments, boolean answerCloses) {
    this.maxMessage = maxMessage;
    this.maxFragments = maxFragments;
    this.answerCloses = answerCloses;
  }

  /**
   * Inspects the readable bytes of {@code buffer} without moving its position; when answering
   * closes, turns the peer's first close frame into a pong in place.
   */
  @Nullable Violation inspect(Buffer buffer) {
    int i = buffer.position();
    int limit = buffer.limit();
    closeEnd = -1;
    while (i < limit && !(answerCloses && closeRead)) {
      if (closeLeft > 0) {
        int maskByte = maskKey >>> (24 - 8 * (closeLength % 4));
        closePayload[closeLength++] = (byte) (buffer.get(i++) ^ maskByte);
        payloadLeft--;
        if (--closeLeft == 0) {
          Violation v = closeFrameRead();
          if (v != null) {
            return violated(v);
          }
          closeEnd = i;
        }
        continue;
      }
      if (payloadLeft > 0) {
        long skip = Math.min(payloadLeft, limit - i);
        i += (int) skip;
        payloadLeft -= skip;
        continue;
      }
      byte b = buffer.get(i);
      if (header.position() == 0 && answerCloses && (b & 0x0f) == Opcode.CLOSE) {
        // Tyrus reads a pong, whose payload it ignores; the close is answered by the server.
        buffer.put(i, (byte) ((b & 0xf0) | Opcode.PONG));
      }
      header.put(b);
      i++;
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
        if (closeAnswered()) {
          closeEnd = i; // a close frame without payload
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

  /**
   * The status code of the first close frame the peer sent: {@link #NO_CLOSE} if none arrived,
   * {@link #NO_STATUS} if it had no payload, {@link #MALFORMED} if one byte. Recorded before the
   * frame goes on to Tyrus, so it is set when Tyrus reports that close.
   */
  int peerCloseStatus() {
    return peerCloseStatus;
  }

  /**
   * The peer's close that the last {@link #inspect} read whole, to answer once, or null. Only when
   * answering closes.
   */
  @Nullable PeerClose takePeerClose() {
    PeerClose c = peerClose;
    peerClose = null;
    return c;
  }

  /**
   * The index just past the peer's close frame in the buffer last inspected, or -1 if it did not
   * end there; the bytes after it are to be dropped.
   */
  int closeEnd() {
    return closeEnd;
  }

  /** Whether the peer's close was read whole, when answering closes: later bytes are dropped. */
  boolean closeAnswered() {
    return answerCloses && closeRead;
  }

  /** A close frame's payload is complete: records its status; validates it when answering. */
  private @Nullable Violation closeFrameRead() {
    int status =
        closeLength == 0
            ? NO_STATUS
            : closeLength == 1
                ? MALFORMED
                : ((closePayload[0] & 0xff) << 8) | (closePayload[1] & 0xff);
    closeStatus(status);
    if (!answerCloses || closeRead) {
      return null;
    }
    closeRead = true;
    if (status == MALFORMED) {
      return protocol("a close frame's payload is a 2-byte status code and a reason");
    }
    if (closeLength >= 2 && !CloseCode.isSendable(status)) { // 1005 itself included
      return protocol("close code " + status + " is reserved or not registered");
    }
    String reason;
    try {
      reason =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(closePayload, 2, Math.max(0, closeLength - 2)))
              .toString();
    } catch (CharacterCodingException e) {
      return new Violation(CloseCode.INVALID_PAYLOAD, "the close reason is not valid UTF-8");
    }
    peerClose = new PeerClose(status, reason);
    return null;
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
    payloadLeft = length;
    if (opcode == Opcode.CLOSE) {
      maskKey = decoded.maskKey();
      closeLength = 0;
      closeLeft = (int) length; // a control frame is at most 125 bytes
      if (closePayload.length == 0) {
        closePayload = new byte[MAX_CONTROL_PAYLOAD];
      }
      if (length == 0) {
        return closeFrameRead();
      }
    }
    return null;
  }

  private static Violation protocol(String reason) {
    return new Violation(CloseCode.PROTOCOL_ERROR, reason);
  }
}
