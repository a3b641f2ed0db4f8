package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.frame.ClosePayload;
import dev.switchboard.frame.Frame;
import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.Opcode;
import dev.switchboard.log.AccessLog;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import java.io.ByteArrayOutputStream;
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
 * The close codes a client may begin a close with (RFC 6455 §7.4 and the IANA registry): every
 * registered and private code is answered with the same code and reason on both endpoints, 1012,
 * 1013 and 1014 included, which Tyrus alone refuses from clients; reserved and unassigned codes are
 * a protocol error (1002).
 */
class ClientCloseCodesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String[] PATHS = {"/ws", "/echo"};

  private final LogCapture access = LogCapture.of(AccessLog.LOGGER, Level.INFO);
  private StandaloneServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(Map.of("log.access", "true"));
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(2));
    access.close();
  }

  private RawWsClient connect(String path) throws IOException {
    RawWsClient c = RawWsClient.connect("127.0.0.1", server.port(), path, 0);
    c.setReadTimeout((int) WAIT.toMillis());
    return c;
  }

  /** The stats' closes once every session has gone, so nothing can still be counted. */
  private Map<String, Long> closes() {
    await().atMost(WAIT).until(() -> server.assembly().endpoints().openSessions() == 0);
    JsonNode json = Http.get(server.httpUri().resolve("/api/stats")).json().path("closes");
    Map<String, Long> m = new LinkedHashMap<>();
    json.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

  private static byte[] closePayload(int code) {
    return ByteBuffer.allocate(2).putShort((short) code).array();
  }

  @Test
  void serviceRestartTryAgainLaterAndBadGatewayAreAnsweredWithTheSameCodeAndReason()
      throws Exception {
    for (String path : PATHS) {
      for (int code : new int[] {1012, 1013, 1014}) {
        try (RawWsClient c = connect(path)) {
          c.sendFrame(Opcode.CLOSE, true, ClosePayload.of(code, "back soon"));
          Frame answer = c.readUntilClose();
          assertThat(answer.closeCode()).as("%s %d", path, code).isEqualTo(code);
          assertThat(answer.closeReason()).isEqualTo("back soon");
          assertThat(c.awaitEndOfStream()).as("the server closes the connection").isTrue();
        }
        assertThat(access.next(WAIT))
            .startsWith("path=" + path + " ")
            .contains(" result=closed code=" + code + " reason=\"back soon\" ");
      }
    }
    assertThat(closes()).as("a close the client began is not the server's").isEmpty();
  }

  @Test
  void everyOtherSendableCodeIsStillAnsweredWithItselfAndAnEmptyCloseWith1000() throws Exception {
    int[] codes = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4000, 4999};
    for (int code : codes) {
      try (RawWsClient c = connect(PATHS[code % 2])) {
        c.sendFrame(Opcode.CLOSE, true, ClosePayload.of(code, ""));
        assertThat(c.readUntilClose().closeCode()).as("%d", code).isEqualTo(code);
      }
      assertThat(access.next(WAIT)).contains(" result=closed code=" + code + " ");
    }
    for (String path : PATHS) {
      try (RawWsClient c = connect(path)) {
        c.sendFrame(Opcode.CLOSE, true, new byte[0]);
        assertThat(c.readUntilClose().closeCode()).isEqualTo(1000);
      }
      assertThat(access.next(WAIT)).contains(" result=closed code=1005 ");
    }
    assertThat(closes()).isEmpty();
  }

  @Test
  void reservedAndUnassignedCodesAreAProtocolError() throws Exception {
    int[] codes = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535};
    for (String path : PATHS) {
      for (int code : codes) {
        try (RawWsClient c = connect(path)) {
          c.sendFrame(Opcode.CLOSE, true, closePayload(code));
          Frame answer = c.readUntilClose();
          assertThat(answer.closeCode()).as("%s %d", path, code).isEqualTo(1002);
          assertThat(c.awaitEndOfStream()).isTrue();
        }
      }
    }
    assertThat(closes()).containsExactly(Map.entry("1002", 2L * codes.length));
  }

  @Test
  void aCloseWhoseReasonIsNotUtf8IsAnsweredWith1007() throws Exception {
    byte[] payload = {0x03, (byte) 0xF5, 'o', 'k', (byte) 0xC3, '('};
    try (RawWsClient c = connect("/echo")) {
      c.sendFrame(Opcode.CLOSE, true, payload);
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1007);
    }
    assertThat(closes()).containsExactly(Map.entry("1007", 1L));
  }

  @Test
  void aMessageInTheSameWriteAsTheCloseIsServedFirstAndNothingAfterTheClose() throws Exception {
    try (RawWsClient c = connect("/echo")) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      int mask = 0x5a5a5a5a;
      burst.writeBytes(
          FrameEncoder.clientFrame(
              FrameEncoder.FIN | Opcode.TEXT, "before".getBytes(StandardCharsets.UTF_8), mask));
      burst.writeBytes(
          FrameEncoder.clientFrame(
              FrameEncoder.FIN | Opcode.CLOSE, ClosePayload.of(1013, "later"), mask));
      burst.writeBytes(
          FrameEncoder.clientFrame(
              FrameEncoder.FIN | Opcode.TEXT, "after".getBytes(StandardCharsets.UTF_8), mask));
      c.sendRaw(burst.toByteArray());

      Frame echoed = c.readFrame();
      assertThat(echoed.opcode()).isEqualTo(Opcode.TEXT);
      assertThat(new String(echoed.payload(), StandardCharsets.UTF_8)).isEqualTo("before");
      Frame next = c.readFrame();
      assertThat(next.opcode()).as("nothing after the close is echoed").isEqualTo(Opcode.CLOSE);
      assertThat(next.closeCode()).isEqualTo(1013);
      assertThat(c.awaitEndOfStream()).isTrue();
    }
  }

  @Test
  void aCloseFrameSplitByteByByteIsAnsweredWithItsCode() throws Exception {
    try (RawWsClient c = connect("/ws")) {
      byte[] frame =
          FrameEncoder.clientFrame(
              FrameEncoder.FIN | Opcode.CLOSE, ClosePayload.of(1014, "gw"), 0x01020304);
      for (byte b : frame) {
        c.sendRaw(new byte[] {b});
      }
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1014);
    }
    assertThat(closes()).isEmpty();
  }
}
