package dev.switchboard.frame;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.Deflater;

/**
 * Compresses server messages for permessage-deflate (RFC 7692) without context takeover: each
 * message is a complete raw DEFLATE stream of its own, so its compressed bytes depend on nothing
 * but the message and the level, and one compression serves every connection that negotiated the
 * extension. Thread-safe: the {@link Deflater}s (each holds about 256 KiB of native memory while in
 * use) come from a small pool, so concurrent senders compress in parallel and an idle server holds
 * at most {@link #POOL_SIZE} of them.
 */
public final class MessageDeflater {
  /** Deflaters kept for reuse: one per fan-out lane and sender on a machine of a few cores. */
  static final int POOL_SIZE = 8;

  /** What a sync flush ends with and RFC 7692 §7.2.1 removes from the message. */
  private static final int TAIL_LENGTH = 4;

  private final int level;
  private final ArrayBlockingQueue<Deflater> pool = new ArrayBlockingQueue<>(POOL_SIZE);
  private final LongAdder frames = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  /**
   * @param level the zlib level, 1 (fastest) to 9 (smallest)
   */
  public MessageDeflater(int level) {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("deflate level must be 1 to 9: " + level);
    }
    this.level = level;
  }

  /**
   * The compressed form of a complete unmasked server data frame: the same frame with RSV1 set and
   * the payload deflated; {@code wire} itself when compression does not make it smaller (a message
   * may always go uncompressed). Each call compresses: callers share the result.
   */
  public byte[] deflateFrame(byte[] wire) {
    int header = headerLength(wire);
    int length = wire.length - header;
    byte[] payload = compress(wire, header, length);
    frames.increment();
    bytesIn.add(length);
    bytesOut.add(payload.length);
    if (payload.length >= length) {
      return wire;
    }
    byte[] frame = FrameEncoder.serverFrame(wire[0] & 0x0f, payload);
    frame[0] |= (byte) FrameEncoder.RSV1;
    return frame;
  }

  private byte[] compress(byte[] src, int offset, int length) {
    Deflater d = pool.poll();
    if (d == null) {
      d = new Deflater(level, true);
    }
    try {
      d.setInput(src, offset, length);
      ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 64);
      byte[] buf = new byte[Math.min(Math.max(length, 64), 16 * 1024)];
      int n;
      do {
        n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length || !d.needsInput());
      byte[] all = out.toByteArray();
      return java.util.Arrays.copyOf(all, all.length - TAIL_LENGTH);
    } finally {
      d.reset(); // no context takeover: the next message starts from an empty window
      if (!pool.offer(d)) {
        d.end();
      }
    }
  }

  /** The payload length of a complete unmasked server frame, read from its header. */
  public static int payloadLength(byte[] wire) {
    return wire.length - headerLength(wire);
  }

  private static int headerLength(byte[] wire) {
    int len7 = wire[1] & 0x7f;
    return len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
  }

  /** Messages compressed so far (each counts once however many connections it went to). */
  public long frames() {
    return frames.sum();
  }

  /** Payload bytes those messages had before compression. */
  public long bytesIn() {
    return bytesIn.sum();
  }

  /** Their payload bytes after compression (what was sent when smaller). */
  public long bytesOut() {
    return bytesOut.sum();
  }
}
