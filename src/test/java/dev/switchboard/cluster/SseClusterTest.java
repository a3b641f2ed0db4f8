package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fallback transport across two nodes on Redis: a stream on one node receives what the other
 * publishes, and resumes on the other node with its {@code Last-Event-ID} without loss or repeat.
 */
class SseClusterTest {
  private final String prefix = Redis.freshPrefix();
  private StandaloneServer a;
  private StandaloneServer b;

  @BeforeEach
  void startNodes() {
    Map<String, String> settings = Redis.clusterSettings(Redis.URI, prefix);
    a = TestServers.start(settings);
    b = TestServers.start(settings);
  }

  @AfterEach
  void stopNodes() {
    a.close();
    b.close();
    Redis.deleteAll(Redis.URI, prefix);
  }

  private static void publish(StandaloneServer node, String channel, String text) {
    Http.Response r =
        Http.postJson(
            node.httpUri().resolve("/api/publish"),
            "{\"channel\":\"" + channel + "\",\"data\":\"" + text + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** The next event that is a publication or a subscribe push, past pings and presence. */
  private static SseClient.Event next(SseClient sse) {
    for (; ; ) {
      SseClient.Event e = sse.nextNotPing();
      JsonNode m = e.json();
      if (!m.has("join") && !m.has("leave")) {
        return e;
      }
    }
  }

  @Test
  void aStreamOnOneNodeResumesOnTheOtherWithoutLossOrRepeat() {
    String ch = "feed:sse";
    String lastId;
    try (SseClient onA = SseClient.open(a.httpUri().resolve("/sse")).opened()) {
      onA.post("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"" + ch + "\"}");
      assertThat(next(onA).json().path("id").asLong()).isEqualTo(1);
      publish(b, ch, "p1");
      publish(b, ch, "p2");
      assertThat(next(onA).json().path("data").asText()).isEqualTo("p1");
      SseClient.Event p2 = next(onA);
      assertThat(p2.json().path("data").asText()).isEqualTo("p2");
      lastId = p2.id();
      assertThat(lastId).startsWith("{\"" + ch + "\":[");
    }
    publish(b, ch, "p3");
    publish(a, ch, "p4");
    publish(b, ch, "p5");

    try (SseClient onB =
        SseClient.open(b.httpUri().resolve("/sse"), "Last-Event-ID", lastId).opened()) {
      assertThat(next(onB).json().path("subscribe").isObject()).isTrue();
      List<String> got = new ArrayList<>();
      String id = null;
      while (got.size() < 3) {
        SseClient.Event e = next(onB);
        got.add(e.json().path("data").asText());
        id = e.id();
      }
      assertThat(got).containsExactly("p3", "p4", "p5");
      assertThat(id).isNotEqualTo(lastId);
      publish(a, ch, "p6");
      assertThat(next(onB).json().path("data").asText())
          .as("live again, nothing repeated before it")
          .isEqualTo("p6");
    }
  }
}
