package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  @Test
  void stoppingClosesEveryClientWithGoingAwayAndReleasesThePort() {
    StandaloneServer server = TestServers.start();
    WsClient hub = WsClient.connect(server.wsUri().resolve("/ws"));
    WsClient echo = WsClient.connect(server.wsUri().resolve("/echo"), null, null, null);
    hub.request("\"op\":\"subscribe\",\"channel\":\"x\"");
    echo.send("open?");
    assertThat(echo.nextText()).isEqualTo("open?"); // both sessions are open before the stop
    int port = server.port();

    long started = System.nanoTime();
    server.stop(Duration.ofSeconds(5));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    WsClient.Close hubClose = hub.awaitClose();
    assertThat(hubClose.code()).isEqualTo(1001);
    assertThat(hubClose.reason()).contains("shutting down");
    assertThat(echo.awaitClose().code()).isEqualTo(1001);
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void stopIsBoundedEvenWhenAClientNeverAnswersTheClose() throws IOException {
    StandaloneServer server = TestServers.start();
    try (var stalled = dev.switchboard.testing.RawWsClient.connect("127.0.0.1", server.port(), "/ws", 4096)) {
      stalled.sendText("{\"id\":1,\"op\":\"ping\"}");
      assertThat(stalled.readFrame().text()).isEqualTo("{\"id\":1,\"ok\":true}"); // the session is open
      long started = System.nanoTime();
      server.stop(Duration.ofMillis(500));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      assertThat(stalled.readUntilClose().closeCode()).isEqualTo(1001);
    }
  }
}
