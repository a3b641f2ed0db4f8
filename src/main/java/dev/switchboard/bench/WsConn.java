package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * One client WebSocket on a non-blocking channel, driven by its {@link Reactor} thread only (no
 * locking). Frames are parsed in place from the read buffer; the listener gets the payload as a
 * buffer slice that is only valid during the call, so receiving allocates nothing.
 */
final class WsConn {
  /** What happens on a connection; called on the reactor thread. */
  interface Listener {
    void onOpen(WsConn c);

    /** A complete text or binary message; {@code payload} is valid only during the call. */
    void onMessage(WsConn c, boolean text, ByteBuffer payload);

    void onClose(WsConn c, int code, String why);
  }

  private enum State {
    CONNECTING,
    HANDSHAKE,
    OPEN,
    CLOSED
  }

  /**
   * Largest message accepted; the benchmarks use small ones, the limit only stops runaway reads.
   */
  private static final int MAX_MESSAGE = 32 * 1024 * 1024;

  final Reactor reactor;
  final SocketChannel channel;
  final Listener listener;

  /** Free for the benchmark: which subscriber, publisher or echo client this is. */
  @Nullable Object attachment;

  private final String request;
  private @Nullable SelectionKey key;
  private State state = State.CONNECTING;
  private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private boolean writeInterest;

  /** While corked, sends are queued and leave together at {@link #uncork}: one write, not many. */
  private boolean corked;

  /** A fragmented message being assembled, or null. */
  private @Nullable ByteBuffer fragments;

  private boolean fragmentsText;
  private final int mask = ThreadLocalRandom.current().nextInt() | 1;
  long connectStartNanos;

  WsConn(
      Reactor reactor,
      SocketChannel channel,
      String hostHeader,
      String path,
      @Nullable String origin,
      Listener listener) {
    this.reactor = reactor;
    this.channel = channel;
    this.listener = listener;
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    this.request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + hostHeader
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(key)
            + "\r\nSec-WebSocket-Version: 13\r\n"
            + (origin == null ? "" : "Origin: " + origin + "\r\n")
            + "\r\n";
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  void register(SelectionKey key) {
    this.key = key;
  }

  /** The key {@link Reactor#connect} registers right after constructing this. */
  private SelectionKey key() {
    return Objects.requireNonNull(key, "not registered with the reactor");
  }

  /**
   * Stops reading for good, like a client whose application hung: the socket's receive window fills
   * and the server's writes back up. Nothing more is sent either.
   */
  void stopReading() {
    key().interestOps(0);
  }

  /** The socket connected: send the upgrade request. */
  void onConnectable() throws IOException {
    if (!channel.finishConnect()) {
      return;
    }
    state = State.HANDSHAKE;
    key().interestOps(SelectionKey.OP_READ);
    queue(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
  }

  void onReadable() throws IOException {
    int n = channel.read(in);
    if (n < 0) {
      close(1006, "connection closed by server");
      return;
    }
    in.flip();
    if (state == State.HANDSHAKE && !readHandshake()) {
      in.compact();
      return;
    }
    while (state == State.OPEN && parseFrame()) {
      // one frame per iteration
    }
    if (state == State.CLOSED) {
      return;
    }
    in.compact();
    if (!in.hasRemaining()) {
      grow(in.capacity() * 2);
    }
  }

  private boolean readHandshake() {
    int end = indexOfHeaderEnd();
    if (end < 0) {
      return false;
    }
    byte[] head = new byte[end];
    in.get(head);
    String status = new String(head, 0, Math.min(head.length, 12), StandardCharsets.US_ASCII);
    if (!status.startsWith("HTTP/1.1 101")) {
      String line = new String(head, StandardCharsets.US_ASCII).lines().findFirst().orElse("?");
      close(1002, "handshake refused: " + line);
      return false;
    }
    state = State.OPEN;
    listener.onOpen(this);
    return true;
  }

  private int indexOfHeaderEnd() {
    for (int i = in.position(); i + 3 < in.limit(); i++) {
      if (in.get(i) == '\r'
          && in.get(i + 1) == '\n'
          && in.get(i + 2) == '\r'
          && in.get(i + 3) == '\n') {
        return i + 4 - in.position();
      }
    }
    return -1;
  }

  /** Parses one complete frame if the buffer holds one; false when more bytes are needed. */
  private boolean parseFrame() throws IOException {
    int start = in.position();
    if (in.remaining() < 2) {
      return false;
    }
    int b0 = in.get(start) & 0xff;
    int b1 = in.get(start + 1) & 0xff;
    long len = b1 & 0x7f;
    int header = 2;
    if (len == 126) {
      if (in.remaining() < 4) {
        return false;
      }
      len = ((in.get(start + 2) & 0xff) << 8) | (in.get(start + 3) & 0xff);
      header = 4;
    } else if (len == 127) {
      if (in.remaining() < 10) {
        return false;
      }
      len = in.getLong(start + 2);
      header = 10;
    }
    if ((b1 & 0x80) != 0) {
      close(1002, "server sent a masked frame");
      return false;
    }
    if (len > MAX_MESSAGE) {
      close(1009, "frame too large for the load generator");
      return false;
    }
    if (in.remaining() < header + len) {
      if (header + len > in.capacity()) {
        grow((int) (header + len));
      }
      return false;
    }
    // The payload is handed over as the read buffer itself, narrowed to the frame: no copy and
    // no allocation per frame. Listeners must not keep it.
    int payloadStart = start + header;
    int payloadEnd = payloadStart + (int) len;
    int limit = in.limit();
    in.limit(payloadEnd).position(payloadStart);
    try {
      onFrame(b0, in);
    } finally {
      if (state != State.CLOSED) {
        in.limit(limit).position(payloadEnd);
      }
    }
    return true;
  }

  private void onFrame(int b0, ByteBuffer payload) throws IOException {
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0f;
    switch (opcode) {
      case 0x0 -> {
        if (fragments == null) {
          close(1002, "continuation without a message");
          return;
        }
        fragments = append(fragments, payload);
        if (fin) {
          ByteBuffer whole = fragments.flip();
          fragments = null;
          listener.onMessage(this, fragmentsText, whole);
        }
      }
      case 0x1, 0x2 -> {
        if (fin) {
          listener.onMessage(this, opcode == 0x1, payload);
        } else {
          fragmentsText = opcode == 0x1;
          fragments = append(ByteBuffer.allocate(Math.max(1024, payload.remaining() * 2)), payload);
        }
      }
      case 0x8 -> {
        int code = payload.remaining() >= 2 ? payload.getShort(payload.position()) & 0xffff : 1005;
        String why = "";
        if (payload.remaining() > 2) {
          byte[] r = new byte[payload.remaining() - 2];
          payload.get(payload.position() + 2, r);
          why = new String(r, StandardCharsets.UTF_8);
        }
        sendFrame(0x8, payload.duplicate());
        close(code, why);
      }
      case 0x9 -> sendFrame(0xA, payload.duplicate()); // ping: pong with the same data
      default -> {
        // pong or reserved: ignore
      }
    }
  }

  private static ByteBuffer append(ByteBuffer acc, ByteBuffer more) {
    if (acc.remaining() < more.remaining()) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(acc.capacity() * 2, acc.position() + more.remaining()));
      acc.flip();
      bigger.put(acc);
      acc = bigger;
    }
    return acc.put(more);
  }

  private void grow(int capacity) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, in.capacity()));
    in.flip();
    bigger.put(in);
    in = bigger;
  }

  /** Sends a text message (payload given as UTF-8 bytes). */
  void sendText(byte[] payload) throws IOException {
    sendFrame(0x1, ByteBuffer.wrap(payload));
  }

  void sendBinary(byte[] payload) throws IOException {
    sendFrame(0x2, ByteBuffer.wrap(payload));
  }

  void sendPing() throws IOException {
    sendFrame(0x9, ByteBuffer.allocate(0));
  }

  /** Frames and masks {@code payload} (RFC 6455 §5.3) and queues it. */
  private void sendFrame(int opcode, ByteBuffer payload) throws IOException {
    if (state == State.CLOSED) {
      return;
    }
    int n = payload.remaining();
    int header = n < 126 ? 6 : n <= 0xFFFF ? 8 : 14;
    ByteBuffer f = ByteBuffer.allocate(header + n);
    f.put((byte) (0x80 | opcode));
    if (n < 126) {
      f.put((byte) (0x80 | n));
    } else if (n <= 0xFFFF) {
      f.put((byte) (0x80 | 126)).putShort((short) n);
    } else {
      f.put((byte) (0x80 | 127)).putLong(n);
    }
    f.putInt(mask);
    byte m0 = (byte) (mask >>> 24);
    byte m1 = (byte) (mask >>> 16);
    byte m2 = (byte) (mask >>> 8);
    byte m3 = (byte) mask;
    int p = payload.position();
    for (int i = 0; i < n; i++) {
      byte m =
          switch (i & 3) {
            case 0 -> m0;
            case 1 -> m1;
            case 2 -> m2;
            default -> m3;
          };
      f.put((byte) (payload.get(p + i) ^ m));
    }
    queue(f.flip());
  }

  private void queue(ByteBuffer b) throws IOException {
    out.add(b);
    if (!writeInterest && !corked) {
      flush();
    }
  }

  /** Holds sends back until {@link #uncork}. */
  void cork() {
    corked = true;
  }

  /** Writes everything held back since {@link #cork} in one gathering write. */
  void uncork() throws IOException {
    corked = false;
    if (!writeInterest) {
      flush();
    }
  }

  void onWritable() throws IOException {
    flush();
  }

  private void flush() throws IOException {
    if (out.size() > 1) {
      channel.write(out.toArray(new ByteBuffer[0])); // one gathering write; the loop finishes up
      while (!out.isEmpty() && !out.peek().hasRemaining()) {
        out.poll();
      }
    }
    while (!out.isEmpty()) {
      ByteBuffer b = out.peek();
      channel.write(b);
      if (b.hasRemaining()) {
        if (!writeInterest) {
          writeInterest = true;
          key().interestOps(key().interestOps() | SelectionKey.OP_WRITE);
        }
        return;
      }
      out.poll();
    }
    if (writeInterest) {
      writeInterest = false;
      key().interestOps(key().interestOps() & ~SelectionKey.OP_WRITE);
    }
  }

  /** Bytes queued but not yet written (the client side of back-pressure). */
  int queuedBuffers() {
    return out.size();
  }

  void close(int code, String why) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
    listener.onClose(this, code, why);
  }

  static InetSocketAddress address(String host, int port) {
    return new InetSocketAddress(host, port);
  }
}
