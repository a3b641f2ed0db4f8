package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.frame.Opcode;
import dev.switchboard.protocol.Command;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A short, bounded abuse run — floods, stalled readers, slow handshakes, broken frames, oversize
 * headers, several hundred connections — after which connections, channels, queued bytes and heap
 * are back at their baseline and normal clients are served.
 */
class AbuseTest {
  private static final int EACH = 60;

  @Test
  void afterAnAbuseRunEverythingReturnsToBaseline() throws Exception {
    StandaloneServer server =
        TestServers.start(
            Map.of(
                "ws.rate.messages", "50",
                "ws.handshake-timeout", "500ms",
                "outbox.max-bytes", "64KiB",
                "limits.connect-rate", "100000"));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      int port = server.port();
      long heapBefore = usedHeapAfterGc();
      List<Future<?>> runs = new ArrayList<>();
      List<RawWsClient> stalled = new ArrayList<>();
      for (int i = 0; i < EACH; i++) {
        stalled.add(stalledSubscriber(port));
      }
      for (int i = 0; i < EACH; i++) {
        runs.add(pool.submit(() -> flood(port)));
        runs.add(pool.submit(() -> slowloris(port)));
        runs.add(pool.submit(() -> brokenFrame(port)));
        runs.add(pool.submit(() -> oversizedHeader(port)));
      }
      // A backend publishes over HTTP (clients are rate limited in this run) until every stalled
      // reader has been closed as slow.
      String pad = "x".repeat(8000);
      for (int i = 0; i < 2000 && server.assembly().hub().metrics().closes(4000) < EACH; i++) {
        assertThat(
                Http.postJson(
                        server.httpUri().resolve("/api/publish"),
                        "{\"channel\":\"abuse:feed\",\"data\":\"" + pad + "\"}")
                    .status())
            .isEqualTo(200);
      }
      for (Future<?> f : runs) {
        f.get(30, TimeUnit.SECONDS);
      }
      stalled.forEach(RawWsClient::closeQuietly);

      var hub = server.assembly().hub();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(hub.connectionCount()).isZero();
                assertThat(hub.channelCount()).isZero();
                assertThat(hub.queuedBytes()).isZero();
                assertThat(server.openConnections()).isZero();
              });
      assertThat(hub.metrics().closes(4000)).isEqualTo(EACH); // every stalled reader, nobody else
      assertThat(hub.metrics().closes(4002)).isEqualTo(EACH);
      assertThat(hub.metrics().closes(1002)).isEqualTo(EACH);
      assertThat(hub.metrics().closes(1009)).isEqualTo(EACH);
      long heapAfter = usedHeapAfterGc();
      assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(24L << 20);

      try (WsClient normal = WsClient.connect(server.wsUri().resolve("/ws"))) {
        normal.ok(id -> new Command.Ping(id));
      }
    } finally {
      pool.shutdownNow();
      server.stop(Duration.ofSeconds(2));
    }
  }

  private static RawWsClient stalledSubscriber(int port) throws IOException {
    RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 4096);
    c.sendText("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"abuse:feed\"}");
    assertThat(c.readFrame().text()).isEqualTo("{\"id\":1,\"ok\":true}");
    return c; // and never reads again
  }

  private static Void flood(int port) throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.setReadTimeout(20);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        for (int i = 0; i < 40; i++) {
          c.sendText("{\"op\":\"ping\"}");
        }
        try {
          while (true) {
            if (c.readFrame().opcode() == Opcode.CLOSE) {
              return null;
            }
          }
        } catch (java.net.SocketTimeoutException e) {
          // flood on
        }
      }
      throw new AssertionError("a flood was not closed within 10 s");
    } catch (java.net.SocketException e) {
      return null; // closed while writing
    }
  }

  private static Void slowloris(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port));
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: webs".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    return null;
  }

  private static Void brokenFrame(int port) throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendUnmasked(0x1, "{}".getBytes(StandardCharsets.UTF_8));
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1002);
    }
    return null;
  }

  private static Void oversizedHeader(int port) throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      c.sendHeaderOnly(0x81, 1L << 40);
      assertThat(c.readUntilClose().closeCode()).isEqualTo(1009);
    }
    return null;
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
