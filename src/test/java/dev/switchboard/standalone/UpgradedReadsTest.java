package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.frame.Frame;
import dev.switchboard.frame.FrameEncoder;
import dev.switchboard.frame.Opcode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upgraded connections read past Grizzly's HTTP codec ({@link UpgradedReads}): the fast path is
 * taken (a Grizzly or Tyrus upgrade that moved the fields it reaches would silently turn it off),
 * and frames still arrive whole however the bytes are cut into reads.
 */
class UpgradedReadsTest {
  private static StandaloneServer server;
  private static int port;

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of("ws.ping-interval", "1s"));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void tyrusReadBufferIsWithinReach() {
    assertThat(UpgradedReads.SPENT).isNotNull();
  }

  @Test
  void everyUpgradedConnectionReadsDirectlyAndFramesCutAnywhereArriveWhole() throws Exception {
    try (RawWsClient echo = RawWsClient.connect("127.0.0.1", port, "/echo", 0);
        WsClient hub = WsClient.connect(server.wsUri().resolve("/ws"))) {
      echo.setReadTimeout(10_000);
      hub.ok(id -> new Command.Subscribe(id, "direct"));
      await().atMost(Duration.ofSeconds(20)).until(() -> server.connections().directReads() == 2);

      // One frame dribbled in byte by byte, then two frames and half a third in one write.
      byte[] one =
          FrameEncoder.clientFrame(
              FrameEncoder.FIN | Opcode.TEXT,
              "byte by byte".getBytes(StandardCharsets.UTF_8),
              ThreadLocalRandom.current().nextInt());
      for (byte b : one) {
        echo.sendRaw(new byte[] {b});
      }
      assertThat(echo.readFrame().text()).isEqualTo("byte by byte");
      byte[] a = text("first");
      byte[] b = text("second");
      byte[] c = text("third, in two reads");
      byte[] batch = new byte[a.length + b.length + c.length / 2];
      System.arraycopy(a, 0, batch, 0, a.length);
      System.arraycopy(b, 0, batch, a.length, b.length);
      System.arraycopy(c, 0, batch, a.length + b.length, c.length / 2);
      echo.sendRaw(batch);
      echo.sendRaw(Arrays.copyOfRange(c, c.length / 2, c.length));
      assertThat(echo.readFrame().text()).isEqualTo("first");
      assertThat(echo.readFrame().text()).isEqualTo("second");
      assertThat(echo.readFrame().text()).isEqualTo("third, in two reads");

      // A message far larger than one read, then a small one: the reassembly buffer grows and
      // is let go again.
      byte[] big = new byte[200_000];
      ThreadLocalRandom.current().nextBytes(big);
      echo.sendFrame(Opcode.BINARY, true, big);
      Frame back = echo.readFrame();
      assertThat(back.opcode()).isEqualTo(Opcode.BINARY);
      assertThat(back.payload()).isEqualTo(big);
      echo.sendText("small again");
      assertThat(echo.readFrame().text()).isEqualTo("small again");

      // The hub protocol, heartbeats included, on the same path.
      hub.ok(id -> new Command.Publish(id, "direct", new Payload.Json("7")));
      assertThat(hub.nextJson().path("data").asInt()).isEqualTo(7);
    }
  }

  private static byte[] text(String s) {
    return FrameEncoder.clientFrame(
        FrameEncoder.FIN | Opcode.TEXT,
        s.getBytes(StandardCharsets.UTF_8),
        ThreadLocalRandom.current().nextInt());
  }
}
