package dev.switchboard.bench;

import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary messages of a {@link LargeBench} and their check: the dialect's header (the hub's
 * publish envelope, nothing for raw peers), then a fill pattern with the marker written over its
 * start and the sequence over its last 8 bytes.
 */
final class LargePayload {
  /** Bytes checked against the pattern are this far apart: a prime, so no period hides a fault. */
  private static final int STRIDE = 4093;

  /** Room for the marker at the start of every payload before the pattern is checked. */
  static final int MARKER_ROOM = 64;

  private final Dialect dialect;
  private final byte[] pattern;
  private final byte[] header;

  LargePayload(Dialect dialect, String channel, int size) {
    this.dialect = dialect;
    pattern = new byte[size];
    for (int i = 0; i < size; i++) {
      pattern[i] = (byte) (i ^ (i >>> 8) ^ (i >>> 16));
    }
    if (dialect == Dialect.HUB) {
      ByteBuffer b = BinaryEnvelope.encodePublish(Command.NO_ID, channel, new byte[0]);
      header = new byte[b.remaining()];
      b.get(header);
    } else {
      header = new byte[0]; // raw: the payload is the message
    }
  }

  /** A message of {@code size} payload bytes (at most the pattern's) carrying {@code seq}. */
  byte[] message(long seq, int size) {
    byte[] m = new byte[header.length + size];
    System.arraycopy(header, 0, m, 0, header.length);
    System.arraycopy(pattern, 0, m, header.length, size);
    byte[] marker =
        Marker.payload(0, seq, System.nanoTime(), 0).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(marker, 0, m, header.length, marker.length);
    ByteBuffer.wrap(m, m.length - 8, 8).putLong(seq);
    return m;
  }

  /** Where the payload starts: after the hub's publication envelope; -1 if not one. */
  int payloadStart(ByteBuffer m) {
    int at = m.position();
    if (dialect != Dialect.HUB) {
      return at;
    }
    if (m.remaining() < 3 || m.get(at) != BinaryEnvelope.KIND_PUBLICATION) {
      return -1;
    }
    int flags = m.get(at + 1);
    at += 2;
    if ((flags & BinaryEnvelope.FLAG_POSITION) != 0) {
      at += 8;
      at += 1 + (m.get(at) & 0xff);
    }
    if ((flags & BinaryEnvelope.FLAG_TRACE) != 0) {
      at += 2 + (m.getShort(at) & 0xffff);
    }
    return at + 1 + (m.get(at) & 0xff);
  }

  /** Whether the payload from {@code start} is whole: length, sequence at the end, pattern. */
  boolean complete(ByteBuffer m, int start, long seq) {
    if (m.limit() - start != pattern.length || m.getLong(m.limit() - 8) != seq) {
      return false;
    }
    for (int i = MARKER_ROOM; i < pattern.length - 8; i += STRIDE) {
      if (m.get(start + i) != pattern[i]) {
        return false;
      }
    }
    return true;
  }
}
