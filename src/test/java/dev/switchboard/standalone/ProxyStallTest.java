package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.testing.FakeBackend;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A backend that stops answering must not stall the clients it does not decide for. Decisions run
 * on the thread that read the handshake or frame. Grizzly reads on its selector threads by default:
 * there, a hanging decision stalled every connection of its selector (measured on a 2-core machine:
 * with 3 hanging connect decisions an already connected client's ping went unanswered for the whole
 * 30 s timeout; a bound of 2 calls alone did not help). With proxy URLs set, the standalone server
 * reads on worker threads instead, and {@code proxy.max-in-flight} bounds the workers a slow
 * backend holds: the calls over it fail fast (1011, counted as rejected) and the other clients'
 * frames are read meanwhile.
 */
class ProxyStallTest {
  private static final int SLOW = 32;
  private static final int IN_FLIGHT = 2;

  private static boolean isSlow(JsonNode request) {
    return "slow".equals(request.path("headers").path("x-who").asText());
  }

  private static JsonNode proxyStats(StandaloneServer server) {
    return Http.get(server.httpUri().resolve("/api/stats")).json().path("proxy");
  }

  @Test
  void hangingConnectDecisionsTakeAtMostTheirSlotsAndOtherClientsAreStillRead() throws Exception {
    FakeBackend backend =
        new FakeBackend((path, r) -> isSlow(r) ? FakeBackend.STALL : "{\"result\":{}}");
    StandaloneServer server =
        TestServers.start(
            Map.of(
                "proxy.connect.url",
                backend.url("/connect"),
                "proxy.headers",
                "X-Who",
                "proxy.timeout",
                "30s",
                "proxy.max-in-flight",
                String.valueOf(IN_FLIGHT)));
    ExecutorService opening = Executors.newCachedThreadPool();
    List<CompletableFuture<WsClient>> slow = new ArrayList<>();
    try {
      URI ws = server.wsUri().resolve("/ws");
      try (WsClient healthy = WsClient.connect(ws, Map.of("X-Who", "healthy"))) {
        healthy.ok(i -> new Command.Ping(i));
        for (int i = 0; i < SLOW; i++) {
          slow.add(
              CompletableFuture.supplyAsync(
                  () -> WsClient.connect(ws, Map.of("X-Who", "slow")), opening));
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    backend.requests("/connect", ProxyStallTest::isSlow).size() == IN_FLIGHT
                        && proxyStats(server).path("rejected").asLong() > 0);
        healthy.ok(i -> new Command.Ping(i));
        JsonNode stats = proxyStats(server);
        assertThat(stats.path("timeouts").asLong())
            .as("answered while the hanging decisions still hang")
            .isZero();
        assertThat(backend.requests("/connect", ProxyStallTest::isSlow)).hasSize(IN_FLIGHT);
        JsonNode closes = Http.get(server.httpUri().resolve("/api/stats")).json().path("closes");
        assertThat(closes.path("1011").asLong())
            .as("the connects over the limit were closed with 1011 (backend busy)")
            .isPositive();
      }
    } finally {
      backend.close(); // the hanging decisions return, their clients connect
      for (CompletableFuture<WsClient> f : slow) {
        f.thenAccept(WsClient::close);
      }
      server.stop(Duration.ofSeconds(2));
      opening.shutdownNow();
    }
  }
}
