package dev.switchboard.bench;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * How application messages travel for each kind of server: Switchboard's hub protocol, plain
 * WebSocket rooms ({@code /sub}, {@code /pub}, {@code /echo}) and Socket.IO (Engine.IO v4). The
 * conventions match the independent C load generator in shared/tools, so both can be pointed at the
 * same peers.
 */
enum Dialect {
  HUB("/ws", "/ws", "/echo"),
  RAW("/sub", "/pub", "/echo"),
  SOCKETIO(SocketIo.PATH, SocketIo.PATH, SocketIo.PATH);

  final String subPath;
  final String pubPath;
  final String echoPath;

  Dialect(String subPath, String pubPath, String echoPath) {
    this.subPath = subPath;
    this.pubPath = pubPath;
    this.echoPath = echoPath;
  }

  /** The message a subscriber sends once ready, or null. */
  byte @Nullable [] subscribeMessage(String channel) {
    return switch (this) {
      case HUB ->
          CommandEncoder.encode(new Command.Subscribe(Command.NO_ID, channel))
              .getBytes(StandardCharsets.UTF_8);
      case RAW -> null;
      case SOCKETIO -> "42[\"join\",\"room1\"]".getBytes(StandardCharsets.UTF_8);
    };
  }

  /**
   * Where a subscriber of {@code room} connects (many-rooms benchmark): the hub's one endpoint, or
   * the raw peers' {@code /sub/<room>}, since a raw subscriber cannot name its topic in a message.
   */
  String roomSubPath(String room) {
    return switch (this) {
      case HUB -> subPath;
      case RAW -> "/sub/" + room;
      case SOCKETIO -> throw new IllegalArgumentException("rooms: dialect hub or raw");
    };
  }

  /** Where a publisher to {@code room} connects: {@code /pub/<room>} for the raw peers. */
  String roomPubPath(String room) {
    return switch (this) {
      case HUB -> pubPath;
      case RAW -> "/pub/" + room;
      case SOCKETIO -> throw new IllegalArgumentException("rooms: dialect hub or raw");
    };
  }

  /** Publishes to {@code channel}: the framing around each payload encoded once, here. */
  Publishes publishes(String channel) {
    return switch (this) {
      case HUB -> new Publishes(CommandEncoder.publishPrefix(channel) + "\"", "\"}");
      case RAW -> new Publishes("", "");
      case SOCKETIO -> new Publishes("42[\"pub\",\"", "\"]");
    };
  }

  /**
   * The message a publisher sends for each payload: the dialect's bytes before and after it are
   * encoded once, so a publish costs one array for its payload and one for the message.
   */
  static final class Publishes {
    private final byte[] before;
    private final byte[] after;

    private Publishes(String before, String after) {
      this.before = before.getBytes(StandardCharsets.UTF_8);
      this.after = after.getBytes(StandardCharsets.UTF_8);
    }

    /** A publish carrying {@code payload} (ASCII, no quotes or backslashes: a JSON string body). */
    byte[] of(String payload) {
      int n = payload.length();
      byte[] out = new byte[before.length + n + after.length];
      System.arraycopy(before, 0, out, 0, before.length);
      for (int i = 0; i < n; i++) {
        out[before.length + i] = (byte) payload.charAt(i); // ASCII: one byte per char
      }
      System.arraycopy(after, 0, out, before.length + n, after.length);
      return out;
    }
  }

  /** An echo request carrying {@code payload}. */
  byte[] echo(String payload) {
    return this == SOCKETIO
        ? ("42[\"echo\",\"" + payload + "\"]").getBytes(StandardCharsets.UTF_8)
        : payload.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether a connection is ready for application messages as soon as it opens. */
  boolean readyOnOpen() {
    return this != SOCKETIO;
  }

  /**
   * Handles the dialect's own control messages. Returns true when the message was one (and the
   * benchmark should not look at it); {@code ready} runs when a Socket.IO session is established.
   */
  boolean control(WsConn c, ByteBuffer payload, Runnable ready) throws IOException {
    if (this != SOCKETIO || !payload.hasRemaining()) {
      return false;
    }
    return SocketIo.control(c, payload, ready);
  }

  static Dialect parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "hub" -> HUB;
      case "raw" -> RAW;
      case "socketio", "socket.io" -> SOCKETIO;
      default -> throw new IllegalArgumentException("dialect must be hub, raw or socketio");
    };
  }

  /** Engine.IO v4 / Socket.IO v5 over a WebSocket, as little as the benchmarks need. */
  private static final class SocketIo {
    static final String PATH = "/socket.io/?EIO=4&transport=websocket";
    private static final byte[] CONNECT = "40".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "3".getBytes(StandardCharsets.US_ASCII);

    static boolean control(WsConn c, ByteBuffer p, Runnable ready) throws IOException {
      byte first = p.get(p.position());
      byte second = p.remaining() > 1 ? p.get(p.position() + 1) : 0;
      if (first == '0') { // Engine.IO open: connect to the default namespace
        c.sendText(CONNECT);
        return true;
      }
      if (first == '2') { // ping
        c.sendText(PONG);
        return true;
      }
      if (first == '4' && second == '0') { // Socket.IO connected to the namespace
        ready.run();
        return true;
      }
      return first != '4' || second != '2'; // only 42[...] events are application messages
    }
  }
}
