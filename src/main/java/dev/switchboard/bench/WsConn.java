package dev.switchboard.bench;

import dev.switchboard.frame.ClosePayload;
import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.FrameHeader;
import dev.switchboard.frame.Opcode;
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

  private static final String DEFLATE_OFFER =
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

  /** Whether the server accepted permessage-deflate: messages with RSV1 are inflated. */
  private boolean deflate;

  private final String request;
  private @Nullable SelectionKey key;
  private State state = State.CONNECTING;
  private ByteBuffer in = ByteBuffer.allocate(16 * 1024);

  /**
   * The header of the frame at the read buffer's position; reused, so parsing allocates nothing.
   */
  private final FrameHeader header = new FrameHeader();

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
            + (reactor.offersDeflate() ? DEFLATE_OFFER : "")
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
    deflate =
        new String(head, StandardCharsets.US_ASCII)
            .toLowerCase(java.util.Locale.ROOT)
            .contains("sec-websocket-extensions: permessage-deflate");
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
    if (!header.peek(in)) {
      return false;
    }
    if (header.masked()) {
      close(1002, "server sent a masked frame");
      return false;
    }
    long len = header.payloadLength(); // negative if the top bit of a 64-bit length is set
    if (len < 0 || len > MAX_MESSAGE) {
      close(1009, "frame too large for the load generator");
      return false;
    }
    int frameLength = header.length() + (int) len;
    if (in.remaining() < frameLength) {
      if (frameLength > in.capacity()) {
        ByteBuffer bigger = ByteBuffer.allocate(frameLength).put(in); // in is in read mode here
        in = bigger.flip();
      }
      return false;
    }
    // The payload is handed over as the read buffer itself, narrowed to the frame: no copy and
    // no allocation per frame. Listeners must not keep it.
    int payloadStart = in.position() + header.length();
    int payloadEnd = payloadStart + (int) len;
    int limit = in.limit();
    in.limit(payloadEnd).position(payloadStart);
    try {
      if (header.rsv() != 0) {
        compressedFrame(header.rsv(), header.fin(), header.opcode(), in);
        return state != State.CLOSED;
      }
      onFrame(header.fin(), header.opcode(), in);
    } finally {
      if (state != State.CLOSED) {
        in.limit(limit).position(payloadEnd);
      }
    }
    return true;
  }

  /** A frame with reserved bits: a whole compressed message when deflate was negotiated. */
  private void compressedFrame(int rsv, boolean fin, int opcode, ByteBuffer payload)
      throws IOException {
    boolean data = opcode == Opcode.TEXT || opcode == Opcode.BINARY;
    if (!deflate || rsv != 4 || !data || !fin) {
      close(1002, "unexpected reserved bits (or a fragmented compressed message)");
      return;
    }
    ByteBuffer message;
    try {
      message = reactor.inflate(payload);
    } catch (java.util.zip.DataFormatException e) {
      close(1007, "corrupt compressed message: " + e.getMessage());
      return;
    }
    listener.onMessage(this, opcode == Opcode.TEXT, message);
  }

  private void onFrame(boolean fin, int opcode, ByteBuffer payload) throws IOException {
    switch (opcode) {
      case Opcode.CONTINUATION -> {
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
      case Opcode.TEXT, Opcode.BINARY -> {
        if (fin) {
          listener.onMessage(this, opcode == Opcode.TEXT, payload);
        } else {
          fragmentsText = opcode == Opcode.TEXT;
          fragments = append(ByteBuffer.allocate(Math.max(1024, payload.remaining() * 2)), payload);
        }
      }
      case Opcode.CLOSE -> {
        int code = ClosePayload.code(payload);
        String why = ClosePayload.reason(payload);
        sendFrame(Opcode.CLOSE, payload); // echo the status, as RFC 6455 5.5.1 asks
        close(code, why);
      }
      case Opcode.PING -> sendFrame(Opcode.PONG, payload); // with the ping's data
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
    sendFrame(Opcode.TEXT, ByteBuffer.wrap(payload));
  }

  void sendBinary(byte[] payload) throws IOException {
    sendFrame(Opcode.BINARY, ByteBuffer.wrap(payload));
  }

  void sendPing() throws IOException {
    sendFrame(Opcode.PING, ByteBuffer.allocate(0));
  }

  /** Frames and masks {@code payload} (RFC 6455 §5.3) into one new buffer and queues it. */
  private void sendFrame(int opcode, ByteBuffer payload) throws IOException {
    if (state == State.CLOSED) {
      return;
    }
    queue(FrameEncoder.clientFrame(FrameEncoder.FIN | opcode, payload, mask));
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
