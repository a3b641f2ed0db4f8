package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.TestServers;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fallback transport on the standalone server: an event stream and POSTs, end to end. */
class SseEndToEndTest {
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server =
        TestServers.start(
            Map.of(
                "namespace.h.history.size", "100",
                "namespace.h.history.ttl", "10m",
                "origins.allowed", "http://good.example"));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  private static URI http(String path) {
    return server.httpUri().resolve(path);
  }

  private static JsonNode publish(String channel, String json) {
    Http.Response r =
        Http.postJson(
            http("/api/publish"), "{\"channel\":\"" + channel + "\",\"data\":" + json + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aStreamOpensWithItsSessionAndCarriesPublicationsWithTheirPositions() {
    try (SseClient sse = SseClient.open(http("/sse"))) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.header("Cache-Control")).contains("no-store");
      assertThat(sse.header("X-Accel-Buffering")).isEqualTo("no");
      assertThat(sse.header("Access-Control-Allow-Origin")).isNull();
      sse.opened();
      assertThat(sse.session()).hasSize(22).matches("[A-Za-z0-9_-]+");
      assertThat(sse.client()).isNotEmpty();
      assertThat(Http.get(http("/api/stats")).json().path("sse_connections").asInt())
          .isGreaterThanOrEqualTo(1);
      assertThat(Http.get(http("/metrics")).body())
          .containsPattern("switchboard_connections\\{endpoint=\"sse\"[^}]*} [1-9]");

      assertThat(sse.post("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"h:news\"}").status())
          .isEqualTo(204);
      JsonNode reply = sse.nextNotPing().json();
      assertThat(reply.path("id").asLong()).isEqualTo(1);
      assertThat(reply.path("ok").asBoolean()).isTrue();
      String epoch = reply.path("epoch").asText();

      JsonNode published = publish("h:news", "{\"n\":1}");
      SseClient.Event e = sse.nextNotPing();
      assertThat(e.type()).isEqualTo("message");
      assertThat(e.json().path("channel").asText()).isEqualTo("h:news");
      assertThat(e.json().path("data").path("n").asInt()).isEqualTo(1);
      assertThat(e.id())
          .isEqualTo("{\"h:news\":[\"" + epoch + "\"," + published.path("offset").asLong() + "]}");
    }
  }

  @Test
  void aChannelWithoutHistoryAndABinaryPublicationArriveWithoutId() {
    try (SseClient sse = SseClient.open(http("/sse")).opened()) {
      assertThat(sse.post("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"plain\"}").status())
          .isEqualTo(204);
      assertThat(sse.nextNotPing().json().path("ok").asBoolean()).isTrue();
      publish("plain", "\"hello\"");
      SseClient.Event e = sse.nextNotPing();
      assertThat(e.id()).isNull();
      assertThat(e.json().path("data").asText()).isEqualTo("hello");

      byte[] envelope =
          dev.switchboard.protocol.BinaryEnvelope.encodePublish(
                  dev.switchboard.protocol.Command.NO_ID, "plain", new byte[] {1, 2, 3})
              .array();
      assertThat(sse.post("application/octet-stream", envelope).status()).isEqualTo(204);
      SseClient.Event b = sse.nextNotPing();
      assertThat(b.type()).isEqualTo("binary");
      byte[] pushed = Base64.getDecoder().decode(b.data());
      assertThat(pushed[0]).isEqualTo(dev.switchboard.protocol.BinaryEnvelope.KIND_PUBLICATION);
      assertThat(pushed).endsWith(1, 2, 3);
    }
  }

  @Test
  void postsToAnUnknownSessionOrFromAnotherOriginAreRefused() {
    assertThat(Http.post(http("/sse/AAAAAAAAAAAAAAAAAAAAAA"), "text/plain", new byte[0]).status())
        .isEqualTo(404);
    try (SseClient sse = SseClient.open(http("/sse"), "Origin", "http://good.example").opened()) {
      Http.Response other =
          Http.post(sse.sessionUri(), "text/plain", new byte[0], "Origin", "http://evil.example");
      assertThat(other.status()).isEqualTo(403);
      Http.Response none = Http.post(sse.sessionUri(), "text/plain", new byte[0]);
      assertThat(none.status()).isEqualTo(403);
      assertThat(sse.post("").status()).isEqualTo(204);
    }
    Http.Response get = Http.get(http("/sse"), "Origin", "http://evil.example");
    assertThat(get.status()).isEqualTo(403);
    assertThat(get.json().path("error").path("code").asInt()).isEqualTo(110);
    assertThat(Http.get(http("/sse/x")).status()).isEqualTo(405);
  }

  @Test
  void aStreamResumedWithLastEventIdGetsWhatItMissedOnceAndInOrder() {
    String lastId;
    try (SseClient sse = SseClient.open(http("/sse")).opened()) {
      sse.post(
          "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"h:r1\"}\n"
              + "{\"id\":2,\"op\":\"subscribe\",\"channel\":\"h:r2\"}");
      assertThat(sse.nextNotPing().json().path("id").asLong()).isEqualTo(1);
      assertThat(sse.nextNotPing().json().path("id").asLong()).isEqualTo(2);
      publish("h:r1", "\"a0\"");
      publish("h:r2", "\"b0\"");
      assertThat(sse.nextNotPing().json().path("data").asText()).isEqualTo("a0");
      SseClient.Event b0 = sse.nextNotPing();
      assertThat(b0.json().path("data").asText()).isEqualTo("b0");
      lastId = b0.id();
      assertThat(lastId).contains("\"h:r1\":[").contains("\"h:r2\":[");
    }
    publish("h:r1", "\"a1\"");
    publish("h:r1", "\"a2\"");
    publish("h:r2", "\"b1\"");

    try (SseClient resumed = SseClient.open(http("/sse"), "Last-Event-ID", lastId).opened()) {
      java.util.List<String> got = new java.util.ArrayList<>();
      java.util.Set<String> pushed = new java.util.HashSet<>();
      while (got.size() < 3) {
        JsonNode m = resumed.nextNotPing().json();
        if (m.has("subscribe")) {
          pushed.add(m.path("channel").asText());
        } else {
          got.add(m.path("channel").asText() + "=" + m.path("data").asText());
        }
      }
      assertThat(pushed).containsExactlyInAnyOrder("h:r1", "h:r2");
      assertThat(got.stream().filter(g -> g.startsWith("h:r1")))
          .containsExactly("h:r1=a1", "h:r1=a2");
      assertThat(got).contains("h:r2=b1");
      publish("h:r1", "\"a3\"");
      assertThat(resumed.nextNotPing().json().path("data").asText())
          .as("nothing repeated before the next live one")
          .isEqualTo("a3");
    }
  }

  @Test
  void theLastEventIdMayComeAsAQueryParameter() {
    String id = "{\"h:q\":[\"nope\",5],\"zz:plain\":[\"e\",1]}";
    URI uri =
        http(
            "/sse?lastEventId="
                + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8));
    try (SseClient sse = SseClient.open(uri).opened()) {
      java.util.Map<String, JsonNode> byChannel = new java.util.HashMap<>();
      while (byChannel.size() < 2) {
        JsonNode m = sse.nextNotPing().json();
        byChannel.put(m.path("channel").asText(), m);
      }
      JsonNode gap = byChannel.get("h:q").path("subscribe");
      assertThat(gap.path("recovered").isBoolean() && !gap.path("recovered").asBoolean())
          .as("another epoch: the push says the publications in between are lost: %s", gap)
          .isTrue();
      assertThat(gap.path("reason").asText()).isNotEmpty();
      assertThat(gap.path("epoch").asText()).isNotEqualTo("nope");
      assertThat(byChannel.get("zz:plain").path("subscribe").isEmpty())
          .as("a channel without history: subscribed, no position")
          .isTrue();
    }
  }
}
