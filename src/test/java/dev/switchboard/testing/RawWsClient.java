package dev.switchboard.testing;

import dev.switchboard.frame.Frame;
import dev.switchboard.frame.FrameDecoder;
import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.FrameHeader;
import dev.switchboard.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, byte by byte under the test's control: it can stop reading
 * (a stalled client), and later tests use it to send what well-behaved clients never send.
 */
public final class RawWsClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final String handshakeResponse;

  private RawWsClient(Socket socket, DataInputStream in, String handshakeResponse)
      throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.handshakeResponse = handshakeResponse;
  }

  /**
   * Connects and completes the handshake.
   *
   * @param receiveBuffer the socket receive buffer in bytes (small makes a stall bite early), or 0
   */
  public static RawWsClient connect(String host, int port, String path, int receiveBuffer)
      throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer); // before connect, so the window is announced small
    }
    s.connect(new InetSocketAddress(host, port), 10_000);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    return upgrade(s, handshake(host, port, path, Base64.getEncoder().encodeToString(key), ""));
  }

  /**
   * Sends {@code request} as is on a new connection and returns everything the server answers until
   * it closes the connection or {@code timeoutMillis} pass.
   */
  public static String exchange(String host, int port, String request, int timeoutMillis)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 10_000);
      s.setSoTimeout(timeoutMillis);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        int n;
        while ((n = s.getInputStream().read(buf)) >= 0) {
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // the server kept the connection: return what came
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** A handshake request for {@code path} with {@code extraHeaders} ("Name: value\r\n" lines). */
  public static String handshake(String host, int port, String path, String extraHeaders) {
    return handshake(host, port, path, "dGhlIHNhbXBsZSBub25jZQ==", extraHeaders);
  }

  private static String handshake(
      String host, int port, String path, String key, String extraHeaders) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: "
        + host
        + ":"
        + port
        + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: "
        + key
        + "\r\nSec-WebSocket-Version: 13\r\n"
        + extraHeaders
        + "\r\n";
  }

  /** Connects from a chosen local address (127.0.0.x), with optional extra handshake headers. */
  public static RawWsClient connectFrom(
      String localAddress, String host, int port, String path, String extraHeaders)
      throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(localAddress, 0));
    s.connect(new InetSocketAddress(host, port), 10_000);
    return upgrade(s, handshake(host, port, path, extraHeaders));
  }

  /** Sends the handshake {@code request} on the connected {@code s} and reads the answer. */
  private static RawWsClient upgrade(Socket s, String request) throws IOException {
    s.setSoTimeout(10_000);
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    DataInputStream in = new DataInputStream(s.getInputStream());
    String response = readHead(in);
    if (!response.startsWith("HTTP/1.1 101")) {
      s.close();
      throw new IOException("handshake refused: " + response);
    }
    return new RawWsClient(s, in, response);
  }

  /** Writes bytes as they are. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends an unmasked final frame, which RFC 6455 forbids clients to send. */
  public void sendUnmasked(int opcode, byte[] payload) throws IOException {
    sendRaw(FrameEncoder.serverFrame(opcode, payload));
  }

  /** Sends only a masked frame header announcing {@code length} payload bytes. */
  public void sendHeaderOnly(int firstByte, long length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(FrameHeader.MAX_LENGTH);
    FrameEncoder.putMaskedHeader(b, firstByte, length, 0x01020304);
    sendRaw(Arrays.copyOf(b.array(), b.position()));
  }

  public String handshakeResponse() {
    return handshakeResponse;
  }

  public void sendText(String text) throws IOException {
    sendFrame(Opcode.TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one masked frame. */
  public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
    sendFrame((fin ? FrameEncoder.FIN : 0) | opcode, payload);
  }

  /** Sends one masked frame with {@code firstByte} (FIN, RSV bits and opcode) as given. */
  public void sendFrame(int firstByte, byte[] payload) throws IOException {
    sendRaw(FrameEncoder.clientFrame(firstByte, payload, ThreadLocalRandom.current().nextInt()));
  }

  /** Reads the next frame, failing after the socket timeout. */
  public Frame readFrame() throws IOException {
    return FrameDecoder.read(in);
  }

  /**
   * Reads frames until a close frame and returns it; data frames before it are skipped. Fails if
   * the stream ends first.
   */
  public Frame readUntilClose() throws IOException {
    while (true) {
      Frame f = readFrame();
      if (f.opcode() == Opcode.CLOSE) {
        return f;
      }
    }
  }

  /** Whether the server has closed the TCP connection: reads until end of stream or timeout. */
  public boolean awaitEndOfStream() throws IOException {
    try {
      byte[] buf = new byte[8192];
      while (in.read(buf) >= 0) {
        // discard
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (EOFException e) {
      return true;
    }
  }

  public void setReadTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Closes, ignoring errors (for cleanup in loops). */
  public void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed during the handshake: " + head);
      }
      head.write(c);
      matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
