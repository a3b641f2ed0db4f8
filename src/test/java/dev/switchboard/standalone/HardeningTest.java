package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.frame.Frame;
import dev.switchboard.frame.Opcode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input on raw sockets, each answered with its exact status or close code, after which a normal
 * client is still served.
 */
class HardeningTest {
  private static StandaloneServer server;
  private static int port;

  @BeforeAll
  static void start() {
    server =
        TestServers.start(
            Map.of(
                "ws.handshake-timeout", "600ms",
                "ws.max-fragments", "16",
                "ws.ping-interval", "1s",
                "ws.pong-timeout", "700ms"));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  /** A well-behaved client still gets through. */
  private static void stillServing() {
    try (WsClient c = WsClient.connect(server.wsUri().resolve("/ws"))) {
      c.ok(id -> new Command.Subscribe(id, "alive"));
      c.ok(id -> new Command.Publish(id, "alive", new Payload.Json("1")));
      assertThat(c.nextJson().path("data").asInt()).isEqualTo(1);
    }
  }

  private static String exchange(String request) throws IOException {
    return RawWsClient.exchange("127.0.0.1", port, request, 3000);
  }

  private static String handshake(String method, String version, String headers) {
    return method + " /ws " + version + "\r\nHost: 127.0.0.1:" + port + "\r\n" + headers + "\r\n";
  }

  private static final String GOOD_HEADERS =
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";

  @Test
  void handshakesThatAreNotStrictRfc6455GetFourHundredsNeverFiveHundred() throws IOException {
    String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    assertThat(
            exchange(handshake("POST", "HTTP/1.1", GOOD_HEADERS + key + "Content-Length: 0\r\n")))
        .startsWith("HTTP/1.1 400");
    assertThat(exchange(handshake("GET", "HTTP/1.0", GOOD_HEADERS + key)))
        .startsWith("HTTP/1.1 400");
    assertThat(exchange(handshake("GET", "HTTP/1.1", GOOD_HEADERS)))
        .startsWith("HTTP/1.1 400")
        .contains("Sec-WebSocket-Key");
    assertThat(
            exchange(handshake("GET", "HTTP/1.1", GOOD_HEADERS + "Sec-WebSocket-Key: short\r\n")))
        .startsWith("HTTP/1.1 400");
    assertThat(
            exchange(
                handshake(
                    "GET",
                    "HTTP/1.1",
                    GOOD_HEADERS + "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\n")))
        .startsWith("HTTP/1.1 400");
    assertThat(exchange(handshake("GET", "HTTP/1.1", GOOD_HEADERS + key + key)))
        .startsWith("HTTP/1.1 400");
    String wrongVersion =
        exchange(
            handshake(
                "GET",
                "HTTP/1.1",
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n" + key));
    assertThat(wrongVersion).startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13");
    assertThat(exchange(handshake("GET", "HTTP/1.1", "Connection: keep-alive\r\n")))
        .startsWith("HTTP/1.1 426");
    assertThat(
            exchange(
                handshake(
                    "GET",
                    "HTTP/1.1",
                    "Upgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Version: 13\r\n"
                        + key)))
        .startsWith("HTTP/1.1 400");
    String refused = exchange(handshake("GET", "HTTP/1.1", GOOD_HEADERS));
    assertThat(refused).contains("Content-Length:").contains("\"code\":101");
    stillServing();
  }

  @Test
  void anUnmaskedFrameClosesWith1002() throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendUnmasked(0x1, "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1002);
    }
    stillServing();
  }

  @Test
  void aHeaderAnnouncingAGigabyteClosesWith1009BeforeAnyPayload() throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendHeaderOnly(0x81, 1L << 30);
      Frame close = c.readUntilClose();
      assertThat(close.closeCode()).isEqualTo(1009);
      assertThat(close.text()).contains("65536");
    }
    try (RawWsClient echo = RawWsClient.connect("127.0.0.1", port, "/echo", 0)) {
      echo.sendHeaderOnly(0x82, 17L << 20); // over the echo's 16 MiB
      assertThat(echo.readUntilClose().closeCode()).isEqualTo(1009);
    }
    stillServing();
  }

  @Test
  void aMessageOverTheLimitInManyFragmentsClosesWith1009() throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      byte[] tenKib = new byte[10 * 1024];
      java.util.Arrays.fill(tenKib, (byte) 'x');
      c.sendFrame(0x1, false, tenKib);
      for (int i = 0; i < 6; i++) {
        c.sendFrame(0x0, false, tenKib); // 70 KiB so far, over 64 KiB
      }
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1009);
    }
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendFrame(0x1, false, new byte[] {'{'});
      for (int i = 0; i < 20; i++) {
        c.sendFrame(0x0, false, new byte[] {' '}); // more than 16 fragments
      }
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1009);
    }
    stillServing();
  }

  @Test
  void framingViolationsCloseWith1002() throws IOException {
    int[][] cases = {
      {0xC1}, // RSV1 set, no extension negotiated
      {0x83}, // reserved opcode 3
      {0x09}, // a ping that is not final
      {0x80}, // a continuation with no message
    };
    for (int[] firstByte : cases) {
      try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
        c.sendFrame(firstByte[0], new byte[] {'x'});
        assertThat(c.readUntilClose().closeCode())
            .as("first byte %x", firstByte[0])
            .isEqualTo(1002);
      }
    }
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendFrame(0x1, false, new byte[] {'{'});
      c.sendFrame(0x1, true, new byte[] {'{'}); // a new message inside a fragmented one
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1002);
    }
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendFrame(0x89, new byte[126]); // a ping over 125 bytes
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1002);
    }
    stillServing();
  }

  @Test
  void slowHandshakesAndIdleHttpConnectionsAreCutAfterTheHandshakeTimeout() throws IOException {
    try (Socket slow = new Socket()) {
      slow.connect(new InetSocketAddress("127.0.0.1", port));
      slow.setSoTimeout(5000);
      slow.getOutputStream()
          .write(
              "GET /ws HTTP/1.1\r\nHost: x\r\n"
                  .getBytes(StandardCharsets.US_ASCII)); // never finished
      // Cut (end of stream, not a read timeout); exactly when is ConnectionTrackerTest's, on a
      // manual clock.
      assertThat(slow.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket silent = new Socket()) {
      silent.connect(new InetSocketAddress("127.0.0.1", port));
      silent.setSoTimeout(5000);
      assertThat(silent.getInputStream().read()).isEqualTo(-1); // said nothing: cut too
    }
    stillServing();
  }

  @Test
  void aClientThatDoesNotAnswerPingsIsClosedWith4001WhileOneThatDoesStays() throws IOException {
    try (RawWsClient deaf = RawWsClient.connect("127.0.0.1", port, "/ws", 0);
        WsClient polite = WsClient.connect(server.wsUri().resolve("/ws"))) {
      Frame ping = deaf.readFrame();
      assertThat(ping.opcode()).isEqualTo(Opcode.PING);
      assertThat(deaf.readUntilClose().closeCode()).isEqualTo(4001);
      assertThat(polite.closed().toCompletableFuture().isDone())
          .isFalse(); // the JDK client answers pings
      polite.ok(id -> new Command.Ping(id));
    }
  }

  @Test
  void aLoneSurrogateInAClientStringDoesNotBreakTheReply() throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendText("{\"id\":1,\"op\":\"\\ud800x\"}");
      String reply = c.readFrame().text();
      assertThat(reply).startsWith("{\"id\":1,\"error\":{\"code\":102").contains("\uFFFD");
      c.sendText("{\"id\":2,\"op\":\"ping\"}");
      assertThat(c.readFrame().text()).isEqualTo("{\"id\":2,\"ok\":true}");
    }
  }

  @Test
  void connectionLimitsPerAddressAndRateAreEnforcedAtTheHandshake() throws IOException {
    StandaloneServer limited =
        TestServers.start(
            Map.of(
                "limits.max-connections-per-ip",
                "3",
                "limits.max-connections",
                "5",
                "limits.connect-rate",
                "1000"));
    List<RawWsClient> held = new ArrayList<>();
    try {
      int p = limited.port();
      for (int i = 0; i < 3; i++) {
        held.add(RawWsClient.connectFrom("127.0.0.2", "127.0.0.1", p, "/ws", ""));
      }
      assertThat(
              RawWsClient.exchange(
                      "127.0.0.1", p, RawWsClient.handshake("127.0.0.1", p, "/ws", ""), 3000)
                  .replaceAll("(?s)\r\n.*", ""))
          .isEqualTo("HTTP/1.1 101 Switching Protocols");
      String fourthFromSameAddress = exchangeFrom("127.0.0.2", p);
      assertThat(fourthFromSameAddress).startsWith("HTTP/1.1 429").contains("Retry-After");
      held.add(RawWsClient.connectFrom("127.0.0.3", "127.0.0.1", p, "/ws", ""));
      held.add(RawWsClient.connectFrom("127.0.0.3", "127.0.0.1", p, "/ws", ""));
      assertThat(exchangeFrom("127.0.0.4", p)).startsWith("HTTP/1.1 503");
      held.forEach(RawWsClient::closeQuietly);
      held.clear();
    } finally {
      held.forEach(RawWsClient::closeQuietly);
      limited.stop(Duration.ofSeconds(1));
    }
    // The bucket's arithmetic is AdmissionTest's, on a manual clock. Here, on the real one: the
    // burst (twice the rate of 1 a second) always passes, then the handshake gets 429 once the
    // bucket is empty, which takes as many handshakes as refill during them (not ten).
    StandaloneServer slowGate = TestServers.start(Map.of("limits.connect-rate", "1"));
    try {
      List<String> statuses = new ArrayList<>();
      String refusal = null;
      while (refusal == null && statuses.size() < 10) {
        String r = exchangeFrom("127.0.0.5", slowGate.port());
        statuses.add(r.replaceAll("(?s)\r\n.*", ""));
        refusal = r.startsWith("HTTP/1.1 429") ? r : null;
      }
      assertThat(statuses)
          .startsWith("HTTP/1.1 101 Switching Protocols", "HTTP/1.1 101 Switching Protocols")
          .allMatch(
              st -> st.equals("HTTP/1.1 101 Switching Protocols") || st.startsWith("HTTP/1.1 429"));
      assertThat(refusal).as("a refusal within ten handshakes").isNotNull().contains("Retry-After");
    } finally {
      slowGate.stop(Duration.ofSeconds(1));
    }
  }

  /** A handshake from a chosen source address; returns the status line and headers. */
  private static String exchangeFrom(String local, int p) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(local, 0));
      s.connect(new InetSocketAddress("127.0.0.1", p));
      s.setSoTimeout(3000);
      s.getOutputStream()
          .write(
              RawWsClient.handshake("127.0.0.1", p, "/ws", "").getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[2048];
      int n = s.getInputStream().read(buf);
      return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
  }
}
