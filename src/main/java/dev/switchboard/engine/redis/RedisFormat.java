package dev.switchboard.engine.redis;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.Publication;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.TraceContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes the bytes the Redis engine keeps in Redis: publications, joins and leaves on
 * the Pub/Sub channels between nodes, payloads in a channel's history stream and clients in a
 * presence hash.
 *
 * <p>A publication: kind byte ({@code p} JSON, {@code b} binary), the offset in decimal, a space,
 * the epoch, a space, the payload bytes. One with a trace context has the kind in upper case
 * ({@code P}, {@code B}) and, after the epoch's space, the trace in {@link TraceContext#toText}'s
 * form and a line feed before the payload; a node of an earlier version ignores such a message
 * (with a warning), as it ignores every kind it does not know. The Lua publish script writes
 * exactly this, so a node reads publications from any node alike. A join or leave: kind byte
 * ({@code j} / {@code l}), then the client id, user and info as length-prefixed UTF-8 strings
 * (length -1 for none). History entries hold the kind byte and the payload (field {@code d}), and
 * the trace text when there is one (field {@code c}). A presence entry holds the time it expires
 * (epoch ms, 8 bytes), then the client as in a join.
 *
 * <p>A node command on the control channel: {@code n}, the format version (1), then {@code d}
 * (disconnect a user: user, close code as 4 bytes, its name, reconnect as one byte 0/1, reason) or
 * {@code u} (unsubscribe a user: user, channel, reason), strings length-prefixed as above. A node
 * ignores a command of a version or kind it does not know.
 */
final class RedisFormat {
  static final byte JSON = 'p';
  static final byte BINARY = 'b';
  static final byte TRACED_JSON = 'P';
  static final byte TRACED_BINARY = 'B';
  static final byte JOIN = 'j';
  static final byte LEAVE = 'l';
  static final byte COMMAND = 'n';
  static final byte COMMAND_VERSION = 1;
  private static final byte DISCONNECT = 'd';
  private static final byte UNSUBSCRIBE = 'u';

  private RedisFormat() {}

  static byte kind(Payload payload) {
    return payload instanceof Payload.Json ? JSON : BINARY;
  }

  static byte[] body(Payload payload) {
    return payload instanceof Payload.Json json
        ? json.json().getBytes(StandardCharsets.UTF_8)
        : ((Payload.Binary) payload).bytes();
  }

  /** A publication without history, as the Lua script would have written it. */
  static byte[] plainPublication(Payload payload, @Nullable TraceContext trace) {
    byte[] body = body(payload);
    byte[] traced =
        trace == null ? null : (trace.toText() + "\n").getBytes(StandardCharsets.US_ASCII);
    int head = 4 + (traced == null ? 0 : traced.length);
    byte[] out = new byte[body.length + head];
    out[0] = traced == null ? kind(payload) : upper(kind(payload));
    out[1] = '0';
    out[2] = ' ';
    out[3] = ' ';
    if (traced != null) {
      System.arraycopy(traced, 0, out, 4, traced.length);
    }
    System.arraycopy(body, 0, out, head, body.length);
    return out;
  }

  /** The kind byte of the same payload carrying a trace. */
  static byte upper(byte kind) {
    return kind == JSON ? TRACED_JSON : TRACED_BINARY;
  }

  /** The trace text of a publish script's argument: empty for none. */
  static byte[] traceArg(@Nullable TraceContext trace) {
    return trace == null ? new byte[0] : trace.toText().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The publications of a history script's answer {epoch, offset, ttl, off1, data1, trace1, ...};
   * an invalid stored trace is dropped, the publication kept.
   */
  static List<Publication> history(String channel, List<Object> r, String epoch) {
    List<Publication> out = new ArrayList<>((r.size() - 3) / 3);
    for (int i = 3; i + 2 < r.size(); i += 3) {
      byte[] d = (byte[]) r.get(i + 1);
      byte[] c = (byte[]) r.get(i + 2);
      TraceContext trace = c.length == 0 ? null : trace(new String(c, StandardCharsets.US_ASCII));
      out.add(new Publication(channel, payload(d[0], d, 1), (Long) r.get(i), epoch, trace));
    }
    return out;
  }

  private static @Nullable TraceContext trace(String text) {
    try {
      return TraceContext.ofText(text);
    } catch (IllegalArgumentException e) {
      return null; // written by a node that validated it: only a foreign writer gets here
    }
  }

  /** A publication message as a node receives it, or null when it is not one. */
  static @Nullable Publication publication(String channel, byte[] m) {
    boolean traced = m.length >= 3 && (m[0] == TRACED_JSON || m[0] == TRACED_BINARY);
    if (m.length < 3 || (m[0] != JSON && m[0] != BINARY && !traced)) {
      return null;
    }
    int first = indexOf(m, (byte) ' ', 1);
    int second = first < 0 ? -1 : indexOf(m, (byte) ' ', first + 1);
    if (second < 0) {
      return null;
    }
    long offset = 0;
    for (int i = 1; i < first; i++) {
      offset = offset * 10 + (m[i] - '0');
    }
    String epoch = new String(m, first + 1, second - first - 1, StandardCharsets.US_ASCII);
    if (!traced) {
      return new Publication(channel, payload(m[0], m, second + 1), offset, epoch);
    }
    int end = indexOf(m, (byte) '\n', second + 1);
    if (end < 0) {
      return null;
    }
    TraceContext trace =
        trace(new String(m, second + 1, end - second - 1, StandardCharsets.US_ASCII));
    byte kind = m[0] == TRACED_JSON ? JSON : BINARY;
    return new Publication(channel, payload(kind, m, end + 1), offset, epoch, trace);
  }

  /** A payload from its kind byte and the bytes from {@code from} on. */
  static Payload payload(byte kind, byte[] bytes, int from) {
    return kind == JSON
        ? new Payload.Json(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8))
        : new Payload.Binary(Arrays.copyOfRange(bytes, from, bytes.length));
  }

  static byte[] presence(byte kind, ClientInfo client) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(kind);
    write(out, client);
    return out.toByteArray();
  }

  /** A join or leave message's client. */
  static ClientInfo presence(byte[] m) {
    return read(ByteBuffer.wrap(m, 1, m.length - 1));
  }

  static byte[] command(NodeCommand command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(COMMAND);
    out.write(COMMAND_VERSION);
    if (command instanceof NodeCommand.DisconnectUser d) {
      out.write(DISCONNECT);
      string(out, d.user());
      out.writeBytes(ByteBuffer.allocate(4).putInt(d.code().code()).array());
      string(out, d.code().name());
      out.write(d.code().reconnect() ? 1 : 0);
      string(out, d.reason());
    } else if (command instanceof NodeCommand.UnsubscribeUser u) {
      out.write(UNSUBSCRIBE);
      string(out, u.user());
      string(out, u.channel());
      string(out, u.reason());
    }
    return out.toByteArray();
  }

  /** A node command, or null when {@code m} is not one this version knows. */
  static @Nullable NodeCommand command(byte[] m) {
    if (m.length < 3 || m[0] != COMMAND || m[1] != COMMAND_VERSION) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(m, 3, m.length - 3);
    String user = Objects.requireNonNull(string(in));
    return switch (m[2]) {
      case DISCONNECT -> {
        int code = in.getInt();
        String name = Objects.requireNonNull(string(in));
        CloseCode close = new CloseCode(code, name, in.get() == 1);
        yield new NodeCommand.DisconnectUser(user, close, Objects.requireNonNull(string(in)));
      }
      case UNSUBSCRIBE -> {
        String channel = Objects.requireNonNull(string(in));
        yield new NodeCommand.UnsubscribeUser(user, channel, Objects.requireNonNull(string(in)));
      }
      default -> null;
    };
  }

  /** A presence entry: the time it expires (epoch ms), then the client. */
  static byte[] clientInfo(ClientInfo client, long expiresAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes(ByteBuffer.allocate(8).putLong(expiresAt).array());
    write(out, client);
    return out.toByteArray();
  }

  static long expiresAt(byte[] entry) {
    return ByteBuffer.wrap(entry).getLong();
  }

  static ClientInfo clientInfo(byte[] entry) {
    return read(ByteBuffer.wrap(entry, 8, entry.length - 8));
  }

  private static void write(ByteArrayOutputStream out, ClientInfo client) {
    string(out, client.client());
    string(out, client.user());
    string(out, client.info());
  }

  private static ClientInfo read(ByteBuffer in) {
    String client = Objects.requireNonNull(string(in), "a presence entry without a client id");
    String user = string(in);
    return new ClientInfo(client, user, string(in));
  }

  private static void string(ByteArrayOutputStream out, @Nullable String s) {
    if (s == null) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
    out.writeBytes(b);
  }

  private static @Nullable String string(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0) {
      return null;
    }
    String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** A new random epoch for a stream, as ASCII. */
  static byte[] newEpoch() {
    return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A number as the ASCII digits a script argument carries. */
  static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /** A bulk string reply as text. */
  static String string(Object bulk) {
    return new String((byte[]) bulk, StandardCharsets.UTF_8);
  }
}
