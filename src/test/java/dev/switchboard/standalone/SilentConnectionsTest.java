package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that never complete a request are closed by the server at its handshake timeout (one
 * second here): those that send nothing, those that stop half-way through the request head, and
 * those that trickle the head a byte at a time, which a timeout reset by each read would never
 * close. A client that completed its handshake before them is left alone.
 */
class SilentConnectionsTest {
  private static final int WAIT_MILLIS = 30_000;

  private StandaloneServer server;
  private final List<Socket> sockets = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void start() {
    server = TestServers.start(Map.of("ws.handshake-timeout", "1s"));
  }

  @AfterEach
  void stop() throws IOException {
    trickle.shutdownNow();
    for (Socket s : sockets) {
      s.close();
    }
    server.stop(Duration.ofSeconds(2));
  }

  private Socket open(int i) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress("127.0.0." + (1 + i % 4), 0));
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
    s.setSoTimeout(WAIT_MILLIS);
    return s;
  }

  /** Whether the server closed {@code s}: end of stream or a reset before the read timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[1024];
    try {
      while (in.read(buf) >= 0) {
        // an answer would be read here; there is none, only the close
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void silentStalledAndTricklingConnectionsAreClosedAndAnOpenWebSocketIsNot() throws Exception {
    WsClient active = WsClient.connect(server.wsUri().resolve("/echo"), null, null, null);
    try {
      List<Socket> silent = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        silent.add(open(i)); // sends nothing
      }
      for (int i = 0; i < 20; i++) {
        Socket s = open(i);
        s.getOutputStream().write(partialHead("/ws"));
        silent.add(s);
      }
      for (int i = 0; i < 5; i++) {
        Socket s = open(i); // answered, then idle on keep-alive: counted from the answer's end
        s.getOutputStream()
            .write(
                "GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        silent.add(s);
      }
      for (int i = 0; i < 5; i++) {
        Socket s = open(i);
        byte[] head = partialHead("/api/stats");
        AtomicInteger at = new AtomicInteger();
        trickle.scheduleWithFixedDelay(
            () -> {
              try {
                s.getOutputStream().write(head[at.getAndIncrement() % head.length]);
              } catch (IOException closed) {
                throw new IllegalStateException("closed by the server", closed);
              }
            },
            0,
            100,
            TimeUnit.MILLISECONDS);
        silent.add(s);
      }

      active.send("while they wait");
      assertThat(active.nextText()).isEqualTo("while they wait");
      assertThat(Http.get(server.httpUri().resolve("/health")).status()).isEqualTo(200);

      for (int i = 0; i < silent.size(); i++) {
        assertThat(closedByServer(silent.get(i))).as("connection %d", i).isTrue();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(server.openConnections()).isEqualTo(1));

      active.send("still here");
      assertThat(active.nextText()).isEqualTo("still here");
    } finally {
      active.close();
    }
  }

  private static byte[] partialHead(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(200))
        .getBytes(StandardCharsets.US_ASCII);
  }
}
