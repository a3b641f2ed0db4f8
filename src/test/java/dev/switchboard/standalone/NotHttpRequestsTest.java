package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.HttpHardeningTest.Answer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the standalone server answers to bytes that are not an HTTP/1.1 request (RFC 9112 §3): 400
 * for anything that is no request line, at once and not at the handshake timeout; 505 only for a
 * well-formed request line naming a version this server does not speak. The handshake timeout is a
 * minute here, so every answer below comes from the checks, not from the timer.
 */
class NotHttpRequestsTest {
  private static final int WAIT_MILLIS = 30_000;

  private static StandaloneServer server;
  private static int port;

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of("ws.handshake-timeout", "60s"));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  private static Answer send(byte[] bytes) throws IOException {
    return send(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  private static Answer send(String raw) throws IOException {
    return Answer.of(RawWsClient.exchange("127.0.0.1", port, raw, WAIT_MILLIS));
  }

  /** The first record a TLS client sends: a ClientHello, as a browser would on an https URL. */
  private static byte[] tlsClientHello() throws GeneralSecurityException, IOException {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", port);
    engine.setUseClientMode(true);
    engine.beginHandshake();
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }

  @Test
  void bytesThatCannotBeginARequestGet400AtOnce() throws Exception {
    byte[] noise = new byte[512];
    new Random(6455).nextBytes(noise);
    byte[][] cases = {
      tlsClientHello(),
      "hello\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      noise,
      "\u0000GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
      ("X".repeat(40) + " / HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
    };
    for (int i = 0; i < cases.length; i++) {
      Answer a = send(cases[i]);
      assertThat(a.status()).as("case %d: %s", i, a.statusLine()).isEqualTo(400);
      assertThat(a.statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
      assertThat(a.errorCode()).isEqualTo(101);
    }
  }

  @Test
  void malformedRequestLinesGet400NotA505() throws IOException {
    String[] lines = {
      "hello world", // no version: Grizzly would serve it as HTTP/0.9
      "GET /",
      "GET / http/1.1", // the protocol name is case-sensitive
      "GET / HTTP/1",
      "GET / FOO",
      "GET / HTTP/1.1 extra",
      "G@T / HTTP/1.1", // '@' is no token character
    };
    for (String line : lines) {
      Answer a = send(line + "\r\nHost: x\r\n\r\n");
      assertThat(a.status()).as(line).isEqualTo(400);
      assertThat(a.errorCode()).isEqualTo(101);
    }
  }

  @Test
  void aWellFormedRequestLineWithAnUnsupportedVersionGets505() throws IOException {
    // HTTP/1.2 gets 505 too: Grizzly's codec knows no 1.x beyond 1.1 (RFC 9110 §2.5 would serve it
    // as 1.1; docs/SECURITY.md lists the difference).
    for (String version : new String[] {"HTTP/2.0", "HTTP/3.0", "HTTP/1.2", "HTTP/9.9"}) {
      Answer a = send("GET /health " + version + "\r\nHost: x\r\n\r\n");
      assertThat(a.status()).as(version).isEqualTo(505);
      assertThat(a.errorCode()).isEqualTo(101);
    }
    Answer ws =
        send(RawWsClient.handshake("127.0.0.1", port, "/ws", "").replace("HTTP/1.1", "HTTP/2.0"));
    assertThat(ws.status()).isEqualTo(505);
  }

  @Test
  void wellFormedRequestsAndAClientAlreadyConnectedAreUnaffected() throws IOException {
    WsClient echo = WsClient.connect(server.wsUri().resolve("/echo"), null, null, null);
    try {
      send("hello\r\n\r\n");
      send(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5});
      echo.send("still here");
      assertThat(echo.nextText()).isEqualTo("still here");
    } finally {
      echo.close();
    }
    String[] fine = {
      "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET /health HTTP/1.0\r\n\r\n",
      "\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", // an empty line first
    };
    for (String request : fine) {
      Answer a = send(request);
      assertThat(a.status()).as(request + a.body()).isEqualTo(200);
    }
    assertThat(Http.get(server.httpUri().resolve("/health")).status()).isEqualTo(200);
  }
}
