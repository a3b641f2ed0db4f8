package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
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
    String channel = "e2e:feed";
    ServerMessage.Position seen;
    try (WsClient first = WsClient.connect(ws())) {
      ServerMessage.Position subscribed =
          first.ok(id -> new Command.Subscribe(id, channel)).position();
      first.ok(id -> new Command.Publish(id, channel, json("{\"n\":0}")));
      ServerMessage.Publication push = (ServerMessage.Publication) first.nextMessage();
      assertThat(push.epoch()).isEqualTo(subscribed.epoch());
      seen = new ServerMessage.Position(push.offset(), push.epoch());
    } // the subscriber drops

    try (WsClient publisher = WsClient.connect(ws())) {
      for (int n = 1; n <= 1000; n++) {
        int value = n;
        publisher.ok(id -> new Command.Publish(id, channel, json("{\"n\":" + value + "}")));
      }
      try (WsClient back = WsClient.connect(ws())) {
        Command.Since since = new Command.Since(seen.offset(), seen.epoch());
        ServerMessage.Ok reply = back.ok(id -> new Command.Subscribe(id, channel, since, null));
        assertThat(reply.recovery()).isEqualTo(new ServerMessage.Recovery(true, null));
        assertThat(reply.position())
            .isEqualTo(new ServerMessage.Position(seen.offset() + 1000, seen.epoch()));
        publisher.ok(id -> new Command.Publish(id, channel, json("{\"n\":1001}")));

        for (int n = 1; n <= 1001; n++) {
          assertThat(back.nextMessage())
              .isEqualTo(
                  new ServerMessage.Publication(
                      channel, seen.offset() + n, seen.epoch(), json("{\"n\":" + n + "}")));
        }
        back.ok(Command.Ping::new); // nothing more came before its reply
      }
    }
  }

  private static Payload json(String text) {
    return new Payload.Json(text);
  }

  @Test
  void theHttpApiPublishesIdempotentlyAndAnswersHistoryAndPresence() {
    try (WsClient alice = WsClient.connect(ws());
        WsClient bob = WsClient.connect(ws())) {
      alice.ok(id -> new Command.Subscribe(id, "e2e:room", null, "{\"name\":\"Alice\"}"));
      bob.ok(id -> new Command.Subscribe(id, "e2e:room"));
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
      bob.ok(id -> new Command.Ping(id)); // delivered once

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
      assertThat(c.ok(id -> new Command.Subscribe(id, "demo:check")).position()).isNotNull();
      assertThat(c.ok(id -> new Command.Presence(id, "demo:check")).clients()).hasSize(1);
    }
  }
}
