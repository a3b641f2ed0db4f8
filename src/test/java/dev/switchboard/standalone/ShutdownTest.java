package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping the standalone server. Nothing here measures how long a stop took: each test orders what
 * happens (the stop returns, then the client looks) and the timeouts only guard against a stop that
 * never returns.
 */
class ShutdownTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard; the grace below is a day
  void stoppingClosesEveryClientWithGoingAwayAndReleasesThePort() {
    StandaloneServer server = TestServers.start();
    WsClient hub = WsClient.connect(server.wsUri().resolve("/ws"));
    WsClient echo = WsClient.connect(server.wsUri().resolve("/echo"), null, null, null);
    hub.ok(id -> new Command.Subscribe(id, "x"));
    echo.send("open?");
    assertThat(echo.nextText()).isEqualTo("open?"); // both sessions are open before the stop
    int port = server.port();

    // Returns once both clients have answered the close: the day of grace is never used.
    server.stop(Duration.ofDays(1));

    WsClient.Close hubClose = hub.awaitClose();
    assertThat(hubClose.code()).isEqualTo(1001);
    assertThat(hubClose.reason()).contains("shutting down");
    assertThat(echo.awaitClose().code()).isEqualTo(1001);
    Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard, not a measurement
  void stopIsBoundedEvenWhenAClientNeverAnswersTheClose() throws IOException {
    StandaloneServer server = TestServers.start();
    try (RawWsClient stalled = RawWsClient.connect("127.0.0.1", server.port(), "/ws", 4096)) {
      stalled.sendText("{\"id\":1,\"op\":\"ping\"}");
      assertThat(stalled.readFrame().text())
          .isEqualTo("{\"id\":1,\"ok\":true}"); // the session is open

      // The client reads nothing and answers nothing until stop has returned: stop gave up on it.
      server.stop(Duration.ofMillis(500));

      assertThat(stalled.readUntilClose().closeCode()).isEqualTo(1001);
      stalled.setReadTimeout(10_000);
      assertThat(stalled.awaitEndOfStream()).as("the server closed the socket unanswered").isTrue();
    }
  }
}
