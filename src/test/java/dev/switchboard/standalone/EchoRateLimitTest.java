package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.frame.Frame;
import dev.switchboard.frame.Opcode;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /echo} is held to the same per-connection rate limit as {@code /ws}. */
class EchoRateLimitTest {
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of("ws.rate.messages", "5", "ws.rate.bytes", "0"));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void aFloodOnEchoIsDroppedOverTheRateAndClosedWith4002WhenItPersists() throws IOException {
    HubMetrics metrics = server.assembly().hub().metrics();
    long refusedBefore = metrics.errors(ErrorCode.RATE_LIMITED);
    int sent = 0;
    int echoed = 0;
    int code = 0;
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", server.port(), "/echo", 0)) {
      // The close needs refusals in three consecutive seconds: keep flooding (bounded) until it
      // comes.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      while (System.nanoTime() < deadline && code == 0) {
        try {
          for (int i = 0; i < 50; i++) {
            c.sendText("m");
            sent++;
          }
        } catch (SocketException e) {
          // closed while we were still writing: the close frame is already on its way
        }
        c.setReadTimeout(50);
        try {
          while (true) {
            Frame f = c.readFrame();
            if (f.opcode() == Opcode.CLOSE) {
              code = f.closeCode();
              break;
            }
            echoed++;
          }
        } catch (SocketTimeoutException e) {
          // nothing more right now: flood on
        }
      }
    }
    assertThat(code).isEqualTo(4002);
    assertThat(echoed).isPositive().isLessThan(sent);
    assertThat(metrics.errors(ErrorCode.RATE_LIMITED) - refusedBefore).isPositive();
    assertThat(metrics.closes(4002)).isEqualTo(1);
  }
}
