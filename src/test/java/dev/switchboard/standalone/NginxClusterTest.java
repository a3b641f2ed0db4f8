package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.client.Message;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ClientEvents;
import dev.switchboard.testing.ClientRecorder;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Nginx;
import dev.switchboard.testing.NodeProcess;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestCertificate;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server-config/nginx-cluster.conf} as shipped, in front of two nodes on the machine's
 * Redis, with TLS terminated at nginx: only the listen address, the two upstream ports and the
 * certificate paths are replaced (see {@link Nginx}). Node A runs in a JVM of its own so that it
 * can be killed; node B in this one. One set-up serves both tests (a node JVM takes seconds to
 * start): the test that kills node A runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxClusterTest {
  /** Publications in the failover test: half before the kill, half right after it. */
  private static final int TOTAL = 300;

  private final String prefix = Redis.freshPrefix();
  private NodeProcess a;
  private StandaloneServer b;
  private Nginx nginx;
  private TestCertificate cert;

  @BeforeAll
  void start(@TempDir Path dir) {
    Map<String, String> settings = Redis.clusterSettings(Redis.URI, prefix);
    // Node A's JVM takes longest to start: it starts while the certificate and node B are made.
    CompletableFuture<NodeProcess> nodeA =
        CompletableFuture.supplyAsync(
            () -> NodeProcess.start(settings, Nginx.freePort(), dir.resolve("node-a.log")));
    try {
      cert = TestCertificate.create(dir);
      b = TestServers.start(settings);
    } finally {
      a = nodeA.join();
    }
    int port = Nginx.freePort();
    nginx =
        Nginx.start(
            Path.of("server-config/nginx-cluster.conf"),
            Map.of(
                "listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;",
                "server 127.0.0.1:8081 ", "server 127.0.0.1:" + a.httpUri().getPort() + " ",
                "server 127.0.0.1:8082 ", "server 127.0.0.1:" + b.port() + " ",
                "/etc/letsencrypt/live/chat.example.com/fullchain.pem",
                    cert.certificatePem().toString(),
                "/etc/letsencrypt/live/chat.example.com/privkey.pem",
                    cert.privateKeyPem().toString()),
            port,
            dir.resolve("nginx"));
  }

  @AfterAll
  void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    Redis.deleteAll(Redis.URI, prefix);
  }

  private int connectionsOn(URI node) {
    return Http.get(node.resolve("/health")).json().path("connections").asInt();
  }

  @Test
  @Order(1)
  void wssThroughNginxReachesBothNodesAndPublicationsCrossBetweenThem() {
    try (WsClient first =
            WsClient.connect(nginx.wss().resolve("/ws"), null, cert.trust(), "switchboard.v1");
        WsClient second =
            WsClient.connect(nginx.wss().resolve("/ws"), null, cert.trust(), "switchboard.v1")) {
      first.ok(id -> new Command.Subscribe(id, "plain:n"));
      second.ok(id -> new Command.Subscribe(id, "plain:n"));
      // Both registered on their nodes (replies came back): least_conn sent the second upgrade to
      // the node without one.
      assertThat(connectionsOn(a.httpUri())).as(nginx.log()).isEqualTo(1);
      assertThat(connectionsOn(b.httpUri())).isEqualTo(1);
      assertThat(first.subprotocol()).isEqualTo("switchboard.v1");

      Payload hello = new Payload.Json("\"through nginx\"");
      second.ok(id -> new Command.Publish(id, "plain:n", hello));
      assertThat(first.nextJson().path("data").asText()).isEqualTo("through nginx");
      assertThat(second.nextJson().path("data").asText()).isEqualTo("through nginx");
    }
    try (WsClient echo = WsClient.connect(nginx.wss().resolve("/echo"), null, cert.trust(), null)) {
      echo.send("round trip");
      assertThat(echo.nextText()).isEqualTo("round trip");
    }
  }

  @Test
  @Order(2)
  void aNodeKilledBehindNginxLosesNoPublicationForItsClients() throws Exception {
    ClientRecorder[] recorders = {new ClientRecorder(), new ClientRecorder()};
    ClientEvents[] events = {new ClientEvents(), new ClientEvents()};
    SwitchboardClient[] clients = new SwitchboardClient[2];
    try {
      for (int i = 0; i < 2; i++) {
        clients[i] =
            SwitchboardClient.builder(nginx.wss().resolve("/ws"))
                .ssl(cert.trust())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(300))
                .listener(events[i])
                .build();
        clients[i].connect().get(10, TimeUnit.SECONDS);
        clients[i].subscribe("feed:k", recorders[i]);
        assertThat(recorders[i].nextSubscribed()).isEqualTo("recovered");
      }
      // One client on each node (the first test's connections may still be closing).
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> connectionsOn(a.httpUri()) == 1 && connectionsOn(b.httpUri()) == 1);

      publish(1, TOTAL / 2);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  recorders[0].messages.size() == TOTAL / 2
                      && recorders[1].messages.size() == TOTAL / 2);
      a.kill(); // SIGKILL: its client's TCP connection through nginx just ends
      // Published at once, while that client is still finding its way back through nginx: what it
      // misses live it must get from the history when it resubscribes on node B.
      publish(TOTAL / 2 + 1, TOTAL);

      for (int i = 0; i < 2; i++) {
        ClientRecorder r = recorders[i];
        await().atMost(Duration.ofSeconds(20)).until(() -> r.messages.size() >= TOTAL);
        List<Long> offsets = r.messages.stream().map(Message::offset).toList();
        assertThat(offsets)
            .as("client %d, events %s", i, events[i].seen)
            .isEqualTo(LongStream.rangeClosed(1, TOTAL).boxed().toList());
      }
      // Exactly one client lost its node; it came back through nginx, which sent it to node B,
      // and its subscription recovered there from the Redis history.
      List<Integer> moved =
          IntStream.range(0, 2)
              .filter(i -> events[i].seen.stream().anyMatch(e -> e.startsWith("disconnected")))
              .boxed()
              .toList();
      assertThat(moved).as("%s %s", events[0].seen, events[1].seen).hasSize(1);
      assertThat(recorders[moved.get(0)].nextSubscribed()).isEqualTo("recovered");
      assertThat(connectionsOn(b.httpUri())).as(nginx.log()).isEqualTo(2);
    } finally {
      for (SwitchboardClient c : clients) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /** Publishes {@code first..last} to feed:k, straight to node B: nginx does not forward /api/. */
  private void publish(int first, int last) {
    for (int n = first; n <= last; n++) {
      Http.Response r =
          Http.postJson(
              b.httpUri().resolve("/api/publish"), "{\"channel\":\"feed:k\",\"data\":" + n + "}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }
}
