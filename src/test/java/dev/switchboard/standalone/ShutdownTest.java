package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
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
  void stoppingClosesEveryClientWithServiceRestartAndReleasesThePort() {
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
    assertThat(hubClose.code()).isEqualTo(1012);
    assertThat(hubClose.reason()).contains("shutting down");
    assertThat(echo.awaitClose().code()).isEqualTo(1012);
    Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard; the drain below is 10 minutes
  void duringTheDrainReadyAnswers503WhileClientsAreStillServedThenAllAreClosedWith1012()
      throws Exception {
    StandaloneServer server =
        TestServers.start(Map.of("shutdown.drain", "10m", "shutdown.timeout", "10m"));
    URI ready = server.httpUri().resolve("/ready");
    assertThat(Http.get(ready).status()).isEqualTo(200);
    WsClient before = WsClient.connect(server.wsUri().resolve("/ws"));
    before.ok(id -> new Command.Subscribe(id, "x"));
    Thread stopping = new Thread(() -> server.stop(Duration.ofMinutes(10)), "stopping");
    stopping.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(ready).status() == 503);
    JsonNode answer = Http.get(ready).json();
    assertThat(answer.path("reason").asText()).isEqualTo("draining");
    assertThat(answer.path("accepting").asBoolean()).isTrue();
    WsClient during = WsClient.connect(server.wsUri().resolve("/ws")); // a balancer's late one
    during.ok(id -> new Command.Subscribe(id, "y"));
    before.ok(id -> new Command.Subscribe(id, "z")); // still served

    stopping.interrupt(); // cuts the drain short: the test does not wait 10 minutes
    stopping.join(30_000);

    assertThat(before.awaitClose()).isEqualTo(new WsClient.Close(1012, "server shutting down"));
    assertThat(during.awaitClose()).isEqualTo(new WsClient.Close(1012, "server shutting down"));
    assertThat(stopping.isAlive()).isFalse();
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

      assertThat(stalled.readUntilClose().closeCode()).isEqualTo(1012);
      stalled.setReadTimeout(10_000);
      assertThat(stalled.awaitEndOfStream()).as("the server closed the socket unanswered").isTrue();
    }
  }
}
