package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** History, recovery, presence and idempotency on the real standalone server. */
class RecoveryEndToEndTest {
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server =
        TestServers.start(
            Map.of(
                "namespace.e2e.history.size", "2000",
                "namespace.e2e.history.ttl", "10m",
                "namespace.e2e.presence", "true",
                "namespace.e2e.join-leave", "true"));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  private static URI ws() {
    return server.wsUri().resolve("/ws");
  }

  private static URI http(String pathAndQuery) {
    return server.httpUri().resolve(pathAndQuery);
  }

  @Test
  void aSubscriberThatDropsGetsTheThousandPublicationsItMissedInOrderBeforeNewOnes() {
    String epoch;
    long seen;
    try (WsClient first = WsClient.connect(ws())) {
      JsonNode reply = first.request("\"op\":\"subscribe\",\"channel\":\"e2e:feed\"");
      epoch = reply.path("epoch").asText();
      first.request("\"op\":\"publish\",\"channel\":\"e2e:feed\",\"data\":{\"n\":0}");
      JsonNode push = first.nextJson();
      seen = push.path("offset").asLong();
      assertThat(push.path("epoch").asText()).isEqualTo(epoch);
    } // the subscriber drops

    try (WsClient publisher = WsClient.connect(ws())) {
      for (int n = 1; n <= 1000; n++) {
        publisher.request("\"op\":\"publish\",\"channel\":\"e2e:feed\",\"data\":{\"n\":" + n + "}");
      }
      try (WsClient back = WsClient.connect(ws())) {
        JsonNode reply =
            back.request(
                "\"op\":\"subscribe\",\"channel\":\"e2e:feed\",\"since\":{\"offset\":"
                    + seen
                    + ",\"epoch\":\""
                    + epoch
                    + "\"}");
        assertThat(reply.path("recovered").asBoolean()).isTrue();
        assertThat(reply.path("offset").asLong()).isEqualTo(seen + 1000);
        publisher.request("\"op\":\"publish\",\"channel\":\"e2e:feed\",\"data\":{\"n\":1001}");

        for (int n = 1; n <= 1001; n++) {
          JsonNode p = back.nextJson();
          assertThat(p.path("offset").asLong()).isEqualTo(seen + n);
          assertThat(p.path("data").path("n").asInt()).isEqualTo(n);
        }
        assertThat(back.request("\"op\":\"ping\"").path("ok").asBoolean())
            .isTrue(); // nothing more came
      }
    }
  }

  @Test
  void theHttpApiPublishesIdempotentlyAndAnswersHistoryAndPresence() {
    try (WsClient alice = WsClient.connect(ws());
        WsClient bob = WsClient.connect(ws())) {
      alice.request("\"op\":\"subscribe\",\"channel\":\"e2e:room\",\"info\":{\"name\":\"Alice\"}");
      bob.request("\"op\":\"subscribe\",\"channel\":\"e2e:room\"");
      assertThat(alice.nextJson().path("join").path("client").asText()).isNotEmpty();

      String body = "{\"channel\":\"e2e:room\",\"data\":\"once\",\"idempotency_key\":\"k-1\"}";
      JsonNode first = Http.postJson(http("/api/publish"), body).json();
      JsonNode second = Http.postJson(http("/api/publish"), body).json();
      assertThat(second.path("offset")).isEqualTo(first.path("offset"));
      JsonNode delivered = bob.nextJson();
      if (delivered.has("join")) {
        // Alice's join may reach Bob when his subscription lands before its fan-out: allowed.
        assertThat(delivered.path("join").path("client").asText()).isNotEmpty();
        delivered = bob.nextJson();
      }
      assertThat(delivered.path("data").asText()).isEqualTo("once");
      assertThat(bob.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue(); // delivered once

      JsonNode history = Http.get(http("/api/history?channel=e2e:room&limit=10")).json();
      assertThat(history.path("publications")).hasSize(1);
      assertThat(history.path("publications").get(0).path("data").asText()).isEqualTo("once");
      assertThat(history.path("offset").asLong()).isEqualTo(first.path("offset").asLong());

      JsonNode presence = Http.get(http("/api/presence?channel=e2e:room")).json();
      assertThat(presence.path("count").asInt()).isEqualTo(2);
      assertThat(presence.toString()).contains("\"name\":\"Alice\"");

      assertThat(Http.get(http("/api/history?channel=plainchannel")).status()).isEqualTo(403);
      assertThat(
              Http.get(http("/api/history?channel=e2e:room&since_offset=1&since_epoch=nope"))
                  .status())
          .isEqualTo(400);
      assertThat(Http.get(http("/api/history?channel=e2e:room&limit=many")).status())
          .isEqualTo(400);
      assertThat(Http.get(http("/api/presence?channel=plainchannel")).status()).isEqualTo(403);
    }
  }

  @Test
  void theDemoNamespaceShipsWithHistoryAndPresence() {
    try (WsClient c = WsClient.connect(ws())) {
      JsonNode reply = c.request("\"op\":\"subscribe\",\"channel\":\"demo:check\"");
      assertThat(reply.has("epoch")).isTrue();
      assertThat(c.request("\"op\":\"presence\",\"channel\":\"demo:check\"").path("count").asInt())
          .isEqualTo(1);
    }
  }
}
