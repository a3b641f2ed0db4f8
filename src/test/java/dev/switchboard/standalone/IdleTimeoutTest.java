package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.frame.Opcode;
import dev.switchboard.protocol.Command;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Silence is bounded by the hub's pings alone: Tyrus keeps no idle timer per session (which it
 * would reschedule on every message), and a peer that stops answering is closed with 4001 on {@code
 * /ws} and {@code /echo} alike.
 */
class IdleTimeoutTest {
  private static final int MESSAGES = 500;
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of("ws.ping-interval", "1s", "ws.pong-timeout", "700ms"));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void messagesInAndOutScheduleNoTimerTasksInTyrus() {
    ScheduledThreadPoolExecutor tyrusTimers =
        (ScheduledThreadPoolExecutor) server.tyrusContainer().getScheduledExecutorService();
    try (WsClient hub = WsClient.connect(server.wsUri().resolve("/ws"));
        WsClient echo = WsClient.connect(server.wsUri().resolve("/echo"), null, null, null)) {
      long scheduledBefore = tyrusTimers.getTaskCount();
      for (int i = 0; i < MESSAGES; i++) {
        hub.ok(id -> new Command.Ping(id));
        echo.send("m" + i);
        assertThat(echo.nextText()).isEqualTo("m" + i);
      }
      assertThat(tyrusTimers.getTaskCount() - scheduledBefore).isZero();
      assertThat(tyrusTimers.getQueue()).isEmpty();
    }
  }

  @Test
  void aSilentEchoClientIsPingedThenClosedWith4001AndCountedWhileOneThatAnswersStays()
      throws IOException {
    long before = server.assembly().hub().metrics().closes(4001);
    try (RawWsClient deaf = RawWsClient.connect("127.0.0.1", server.port(), "/echo", 0);
        WsClient polite = WsClient.connect(server.wsUri().resolve("/echo"), null, null, null)) {
      assertThat(deaf.readFrame().opcode()).isEqualTo(Opcode.PING);
      assertThat(deaf.readUntilClose().closeCode()).isEqualTo(4001);
      assertThat(polite.closed().toCompletableFuture().isDone())
          .isFalse(); // the JDK client answers pings
      polite.send("still here");
      assertThat(polite.nextText()).isEqualTo("still here");
    }
    assertThat(server.assembly().hub().metrics().closes(4001) - before).isEqualTo(1);
  }
}
