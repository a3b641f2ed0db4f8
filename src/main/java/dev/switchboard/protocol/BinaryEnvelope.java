package dev.switchboard.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The binary envelope: how a binary payload travels with its channel in one binary frame.
 *
 * <pre>
 * client to server, publish:
 *   byte    kind = 0x01
 *   byte    flags: bit 0 set = a 4-byte id follows
 *   [uint32 id, big-endian]            only when flags bit 0 is set
 *   byte    channel length L (1..128)
 *   L bytes channel name (ASCII)
 *   rest    payload
 *
 * server to client, publication:
 *   byte    kind = 0x02
 *   byte    flags: bit 0 set = offset and epoch follow (channels with history)
 *   [uint64 offset, byte epoch length E, E bytes epoch]   only when flags bit 0 is set
 *   byte    channel length L
 *   L bytes channel name
 *   rest    payload
 * </pre>
 *
 * <p>Why a hand-rolled layout rather than CBOR or MessagePack: a browser can parse it with a
 * DataView in five lines, and the payload is never copied to be wrapped.
 */
public final class BinaryEnvelope {
  /** Kind byte of a client publish. */
  public static final byte KIND_PUBLISH = 0x01;

  /** Kind byte of a server publication push. */
  public static final byte KIND_PUBLICATION = 0x02;

  /** Flags bit of a client publish: a 4-byte id follows. */
  public static final int FLAG_ID = 0x01;

  private BinaryEnvelope() {}

  /** Decodes a client publish envelope; the payload is copied out of the frame. */
  static Command.Publish decodePublish(ByteBuffer frame) throws ProtocolException {
    ByteBuffer b = frame.duplicate();
    if (b.remaining() < 3) {
      throw malformed("binary frame is too short for an envelope", Command.NO_ID);
    }
    byte kind = b.get();
    if (kind != KIND_PUBLISH) {
      throw malformed("unknown binary envelope kind " + (kind & 0xff), Command.NO_ID);
    }
    int flags = b.get() & 0xff;
    long id = Command.NO_ID;
    if ((flags & FLAG_ID) != 0) {
      if (b.remaining() < 4) {
        throw malformed("binary envelope is too short for its id", Command.NO_ID);
      }
      id = Integer.toUnsignedLong(b.getInt());
    }
    if (!b.hasRemaining()) {
      throw malformed("binary envelope has no channel length", id);
    }
    int length = b.get() & 0xff;
    if (length > b.remaining()) {
      throw malformed("binary envelope is shorter than its channel name", id);
    }
    byte[] name = new byte[length];
    b.get(name);
    String channel = new String(name, StandardCharsets.ISO_8859_1);
    String problem = ChannelName.problem(channel);
    if (problem != null) {
      throw new ProtocolException(ErrorCode.BAD_CHANNEL, problem, id);
    }
    byte[] payload = new byte[b.remaining()];
    b.get(payload);
    return new Command.Publish(id, channel, new Payload.Binary(payload));
  }

  /** Encodes a client publish envelope (used by Java clients and tests). */
  public static ByteBuffer encodePublish(long id, String channel, byte[] payload) {
    byte[] name = channel.getBytes(StandardCharsets.US_ASCII);
    boolean hasId = id != Command.NO_ID;
    ByteBuffer b = ByteBuffer.allocate(3 + (hasId ? 4 : 0) + name.length + payload.length);
    b.put(KIND_PUBLISH).put((byte) (hasId ? FLAG_ID : 0));
    if (hasId) {
      b.putInt((int) id);
    }
    b.put((byte) name.length).put(name).put(payload);
    return b.flip();
  }

  /** Flags bit of a publication: offset and epoch follow. */
  public static final int FLAG_POSITION = 0x01;

  /**
   * Flags bit of a publication: a trace context follows the position (if any), as a 2-byte length
   * and that many ASCII bytes in {@link TraceContext#toText}'s form. Only set for subscriptions
   * that asked for traces.
   */
  public static final int FLAG_TRACE = 0x02;

  /** Encodes a publication push without position: once per publication, shared by all. */
  public static ByteBuffer encodePublication(String channel, byte[] payload) {
    return encodePublication(channel, payload, 0, "");
  }

  /**
   * Encodes a publication push; with {@code offset > 0} it carries offset and epoch. Once per
   * publication, shared by every subscriber.
   */
  public static ByteBuffer encodePublication(
      String channel, byte[] payload, long offset, String epoch) {
    return encodePublication(channel, payload, offset, epoch, null);
  }

  /**
   * {@link #encodePublication(String, byte[], long, String)} carrying {@code trace} if not null.
   */
  public static ByteBuffer encodePublication(
      String channel, byte[] payload, long offset, String epoch, @Nullable TraceContext trace) {
    byte[] name = channel.getBytes(StandardCharsets.US_ASCII);
    byte[] epochBytes = epoch.getBytes(StandardCharsets.US_ASCII);
    byte[] traceBytes =
        trace == null ? new byte[0] : trace.toText().getBytes(StandardCharsets.US_ASCII);
    boolean positioned = offset > 0;
    int header =
        3
            + name.length
            + (positioned ? 9 + epochBytes.length : 0)
            + (trace == null ? 0 : 2 + traceBytes.length);
    ByteBuffer b = ByteBuffer.allocate(header + payload.length);
    int flags = (positioned ? FLAG_POSITION : 0) | (trace == null ? 0 : FLAG_TRACE);
    b.put(KIND_PUBLICATION).put((byte) flags);
    if (positioned) {
      b.putLong(offset).put((byte) epochBytes.length).put(epochBytes);
    }
    if (trace != null) {
      b.putShort((short) traceBytes.length).put(traceBytes);
    }
    b.put((byte) name.length).put(name).put(payload);
    return b.flip();
  }

  /**
   * A publication as a client decodes it.
   *
   * @param offset 0 when the channel keeps no history
   * @param epoch empty when the channel keeps no history
   * @param trace the publisher's trace context, or null (none, or not asked for)
   */
  public record DecodedPublication(
      String channel, long offset, String epoch, byte[] payload, @Nullable TraceContext trace) {}

  /** Decodes a server publication envelope (for clients); the payload is copied. */
  public static DecodedPublication decodePublication(ByteBuffer frame) throws ProtocolException {
    ByteBuffer b = frame.duplicate();
    if (b.remaining() < 3 || b.get() != KIND_PUBLICATION) {
      throw malformed("not a publication envelope", Command.NO_ID);
    }
    int flags = b.get() & 0xff;
    long offset = 0;
    String epoch = "";
    if ((flags & FLAG_POSITION) != 0) {
      if (b.remaining() < 9) {
        throw malformed("publication envelope too short for its position", Command.NO_ID);
      }
      offset = b.getLong();
      int e = b.get() & 0xff;
      if (b.remaining() < e) {
        throw malformed("publication envelope too short for its epoch", Command.NO_ID);
      }
      byte[] eb = new byte[e];
      b.get(eb);
      epoch = new String(eb, StandardCharsets.US_ASCII);
    }
    TraceContext trace = null;
    if ((flags & FLAG_TRACE) != 0) {
      int t = b.remaining() < 2 ? Integer.MAX_VALUE : b.getShort() & 0xffff;
      if (b.remaining() < t) {
        throw malformed("publication envelope too short for its trace", Command.NO_ID);
      }
      byte[] tb = new byte[t];
      b.get(tb);
      try {
        trace = TraceContext.ofText(new String(tb, StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        throw malformed("publication envelope trace: " + e.getMessage(), Command.NO_ID);
      }
    }
    if (!b.hasRemaining()) {
      throw malformed("publication envelope has no channel", Command.NO_ID);
    }
    int n = b.get() & 0xff;
    if (b.remaining() < n) {
      throw malformed("publication envelope too short for its channel", Command.NO_ID);
    }
    byte[] name = new byte[n];
    b.get(name);
    byte[] payload = new byte[b.remaining()];
    b.get(payload);
    return new DecodedPublication(
        new String(name, StandardCharsets.US_ASCII), offset, epoch, payload, trace);
  }

  private static ProtocolException malformed(String message, long id) {
    return new ProtocolException(ErrorCode.MALFORMED, message, id);
  }
}
