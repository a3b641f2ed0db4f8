package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.frame.ClosePayload;
import dev.switchboard.frame.Opcode;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every close the server makes is in {@code /api/stats} {@code closes}, once, whoever made it: the
 * hub, the gate in front of Tyrus (which also judges the client's close frames), or Tyrus on its
 * own. A close the client begins is answered and not counted. Each test has a fresh server, so the
 * whole {@code closes} map is asserted.
 */
class ServerClosesTest {
  /** Not valid UTF-8: a two-byte lead followed by an ASCII byte. */
  private static final byte[] INVALID_UTF8 = {'o', 'k', (byte) 0xC3, '(', '!'};

  private StandaloneServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(Map.of("ws.ping-interval", "1s", "ws.pong-timeout", "500ms"));
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  private RawWsClient connect(String path) throws IOException {
    return RawWsClient.connect("127.0.0.1", server.port(), path, 0);
  }

  /** The stats' closes once every session has gone, so nothing can still be counted. */
  private Map<String, Long> closes() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.assembly().endpoints().openSessions() == 0);
    JsonNode json = Http.get(server.httpUri().resolve("/api/stats")).json().path("closes");
    Map<String, Long> m = new LinkedHashMap<>();
    json.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

  /** A close payload with any reason bytes, valid UTF-8 or not. */
  private static byte[] closePayload(int code, byte[] reason) {
    return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
  }

  @Test
  void invalidUtf8InATextMessageIsClosedByTyrusWith1007AndCountedOnce() throws IOException {
    for (String path : new String[] {"/ws", "/echo"}) {
      try (RawWsClient c = connect(path)) {
        c.sendFrame(Opcode.TEXT, true, INVALID_UTF8);
        assertThat(c.readUntilClose().closeCode()).as(path).isEqualTo(1007);
      }
    }
    assertThat(closes()).containsExactly(Map.entry("1007", 2L));
  }

  @Test
  void aMalformedCloseFrameIsAnsweredWith1002Or1007AndCounted() throws IOException {
    byte[][] malformed = {
      {0x03}, // one byte: too short for a status code
      closePayload(999, new byte[0]), // below the codes RFC 6455 allows
      closePayload(1000, INVALID_UTF8), // a reason that is not UTF-8 (answered with 1007)
    };
    int[] expected = {1002, 1002, 1007};
    for (int i = 0; i < malformed.length; i++) {
      try (RawWsClient c = connect("/ws")) {
        c.sendFrame(Opcode.CLOSE, true, malformed[i]);
        assertThat(c.readUntilClose().closeCode()).as("case %d", i).isEqualTo(expected[i]);
      }
    }
    assertThat(closes()).containsExactly(Map.entry("1002", 2L), Map.entry("1007", 1L));
  }

  @Test
  void aCloseTheClientBeginsIsAnsweredWithItsCodeAndNotCounted() throws IOException {
    int[] codes = {1000, 1001, 1002, 1007, 4321};
    for (int code : codes) {
      try (RawWsClient c = connect("/ws")) {
        c.sendFrame(Opcode.CLOSE, true, ClosePayload.of(code, "bye"));
        assertThat(c.readUntilClose().closeCode()).isEqualTo(code);
      }
    }
    try (RawWsClient c = connect("/echo")) {
      c.sendFrame(Opcode.CLOSE, true, new byte[0]); // no status at all
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1000);
    }
    assertThat(closes()).isEmpty();
  }

  @Test
  void closesTheHubAndTheGateMakeAreCountedOnceNotAgainWhenTyrusReportsThem() throws IOException {
    try (RawWsClient deafHub = connect("/ws");
        RawWsClient deafEcho = connect("/echo")) {
      assertThat(deafHub.readUntilClose().closeCode()).isEqualTo(4001);
      assertThat(deafEcho.readUntilClose().closeCode()).isEqualTo(4001);
    }
    try (RawWsClient c = connect("/ws")) {
      c.sendUnmasked(0x1, "{}".getBytes(StandardCharsets.UTF_8));
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1002);
    }
    assertThat(closes()).containsExactly(Map.entry("1002", 1L), Map.entry("4001", 2L));
  }
}
