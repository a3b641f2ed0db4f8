package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's admin disconnect and engine link on two nodes sharing the machine's Redis: the
 * user is disconnected on the node that was not asked, and each node reports its link up.
 */
class AdminDisconnectClusterTest {
  private final String prefix = Redis.freshPrefix();
  private StandaloneServer a;
  private StandaloneServer b;
  private Instant started;

  @BeforeEach
  void startNodes() {
    started = Instant.now();
    Map<String, String> settings = new HashMap<>(Redis.clusterSettings(Redis.URI, prefix));
    settings.put("auth.hmac-secret", Tokens.SECRET);
    a = TestServers.start(settings);
    b = TestServers.start(settings);
  }

  @AfterEach
  void stopNodes() {
    a.close();
    b.close();
    Redis.deleteAll(Redis.URI, prefix);
  }

  private static WsClient connectAs(StandaloneServer s, String user) {
    String token =
        Tokens.hs256(
            Tokens.claims(user, Instant.now().plusSeconds(600), Map.of("*", List.of("subscribe"))));
    WsClient client =
        WsClient.connect(s.wsUri().resolve("/ws"), Map.of("Authorization", "Bearer " + token));
    client.ok(id -> new Command.Subscribe(id, "room:lobby"));
    return client;
  }

  @Test
  void aDisconnectAskedOfOneNodeClosesTheUsersConnectionsOnTheOtherWith4510() throws Exception {
    try (WsClient aliceOnA = connectAs(a, "alice");
        WsClient aliceOnB = connectAs(b, "alice");
        WsClient bobOnB = connectAs(b, "bob")) {
      Http.Response r =
          Http.postJson(a.httpUri().resolve("/api/disconnect"), "{\"user\":\"alice\"}");

      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().path("closed_here").asInt()).isEqualTo(1);
      assertThat(r.json().path("other_nodes").asText()).isEqualTo("told");
      WsClient.Close expected = new WsClient.Close(4510, "disconnected by an administrator");
      assertThat(aliceOnA.closed().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(expected);
      assertThat(aliceOnB.closed().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(expected);
      assertThat(bobOnB.call(Command.Ping::new)).isInstanceOf(Ok.class);
      assertThat(bobOnB.closed()).isNotDone();
      JsonNode statsB = Http.get(b.httpUri().resolve("/api/stats")).json();
      assertThat(statsB.path("closes").path("4510").asLong()).isEqualTo(1);
    }
  }

  @Test
  void eachNodeReportsItsRedisLinkUpSinceItStartedWithoutReconnects() {
    for (StandaloneServer node : List.of(a, b)) {
      JsonNode link =
          Http.get(node.httpUri().resolve("/api/stats")).json().path("engine").path("link");
      assertThat(link.path("state").asText()).isEqualTo("up");
      assertThat(Instant.parse(link.path("since").asText())).isBetween(started, Instant.now());
      assertThat(link.path("reconnects").asLong()).isZero();
    }
  }
}
