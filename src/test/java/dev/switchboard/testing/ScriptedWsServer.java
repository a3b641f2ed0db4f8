package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.frame.Frame;
import dev.switchboard.frame.FrameDecoder;
import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A WebSocket server on a plain socket whose every frame the test writes: for client tests that
 * need pushes the real server sends only in a state the client under test cannot bring about (the
 * Java client cannot refresh its token, so it cannot make the hub send an unsubscribe push). One
 * connection at a time, loopback only; every read times out after 10 s, nothing sleeps.
 */
public final class ScriptedWsServer implements AutoCloseable {
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int TIMEOUT_MS = 10_000;

  private final ServerSocket server;
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;

  public ScriptedWsServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setSoTimeout(TIMEOUT_MS);
  }

  public URI uri() {
    return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/ws");
  }

  /**
   * Waits for the next connection and accepts its handshake with subprotocol switchboard.v1; the
   * previous connection, if any, is closed.
   */
  public void accept() throws IOException {
    accept(new String[0]);
  }

  /**
   * {@link #accept()}, with text frames {@code first} in the same write as the 101: they reach the
   * client together, as a server's pushes at open can.
   */
  public void accept(String... first) throws IOException {
    if (socket != null) {
      socket.close();
    }
    socket = server.accept();
    socket.setSoTimeout(TIMEOUT_MS);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    String key = null;
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
        key = line.substring(18).trim();
      }
    }
    if (key == null) {
      throw new IOException("no Sec-WebSocket-Key in the handshake");
    }
    String response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: "
            + accept(key)
            + "\r\nSec-WebSocket-Protocol: switchboard.v1\r\n\r\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(response.getBytes(StandardCharsets.US_ASCII));
    for (String text : first) {
      bytes.write(FrameEncoder.serverFrame(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }
    out.write(bytes.toByteArray());
    out.flush();
  }

  /** The client's next text frame as JSON; pings and pongs are skipped, a close fails. */
  public JsonNode nextJson() throws IOException {
    while (true) {
      Frame f = FrameDecoder.read(in);
      if (f.opcode() == Opcode.TEXT) {
        return WsClient.parse(f.text());
      }
      if (f.opcode() == Opcode.CLOSE) {
        throw new IOException("the client closed the connection");
      }
    }
  }

  /** Sends one unmasked text frame. */
  public void send(String text) throws IOException {
    out.write(FrameEncoder.serverFrame(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    out.flush();
  }

  /** Sends a close frame with {@code code} and drops the connection, as the hub closes one. */
  public void closeWith(int code) throws IOException {
    out.write(FrameEncoder.serverClose(code, ""));
    out.flush();
    socket.close();
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    server.close();
  }

  private String readLine() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the handshake ended early");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
