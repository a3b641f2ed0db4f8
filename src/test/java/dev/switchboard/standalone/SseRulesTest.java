package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fallback transport obeys the WebSocket rules: auth, liveness, message size, rate, the outbox
 * limit and shutdown. Each test starts the server its rule needs.
 */
class SseRulesTest {

  private static URI sse(StandaloneServer server) {
    return server.httpUri().resolve("/sse");
  }

  private static String token(String user) {
    return Tokens.hs256(
        Tokens.claims(
            user, Instant.now().plusSeconds(600), Map.of("room:*", List.of("subscribe"))));
  }

  private static void publish(StandaloneServer server, String channel, String json) {
    Http.Response r =
        Http.postJson(
            server.httpUri().resolve("/api/publish"),
            "{\"channel\":\"" + channel + "\",\"data\":" + json + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void withAuthRequiredCommandsWaitForConnectAndABadTokenClosesWith4500() {
    StandaloneServer server =
        TestServers.start(Map.of("auth.required", "true", "auth.hmac-secret", Tokens.SECRET));
    try (SseClient anonymous = SseClient.open(sse(server)).opened();
        SseClient bad = SseClient.open(sse(server)).opened();
        SseClient bearer =
            SseClient.open(sse(server), "Authorization", "Bearer " + token("ann")).opened()) {
      anonymous.post("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"room:a\"}");
      JsonNode refused = anonymous.nextNotPing().json();
      assertThat(refused.path("error").path("code").asInt()).isEqualTo(110);
      anonymous.post("{\"id\":2,\"op\":\"connect\",\"token\":\"" + token("bob") + "\"}");
      assertThat(anonymous.nextNotPing().json().path("user").asText()).isEqualTo("bob");

      bad.post("{\"id\":1,\"op\":\"connect\",\"token\":\"not-a-token\"}");
      assertThat(bad.nextNotPing().json().path("error").path("code").asInt()).isEqualTo(116);
      SseClient.Event close = bad.nextNotPing();
      assertThat(close.type()).isEqualTo("close");
      assertThat(close.json().path("code").asInt()).isEqualTo(4500);
      assertThat(bad.next().type()).as("the stream ends after the close event").isEqualTo("end");
      assertThat(bad.post("").status()).as("the session is gone").isEqualTo(404);

      bearer.post("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"room:a\"}");
      assertThat(bearer.nextNotPing().json().path("ok").asBoolean()).isTrue();
    }
    String lastId = "{\"room:b\":[\"e\",1],\"other:c\":[\"e\",1]}";
    try (SseClient resumed =
            SseClient.open(
                    sse(server), "Authorization", "Bearer " + token("cy"), "Last-Event-ID", lastId)
                .opened();
        SseClient anonymous = SseClient.open(sse(server), "Last-Event-ID", lastId).opened()) {
      Map<String, JsonNode> byChannel = new java.util.HashMap<>();
      while (byChannel.size() < 2) {
        JsonNode m = resumed.nextNotPing().json();
        byChannel.put(m.path("channel").asText(), m);
      }
      assertThat(byChannel.get("room:b").has("subscribe")).isTrue();
      assertThat(byChannel.get("other:c").path("unsubscribe").path("code").asInt())
          .as("resumed with the stream's credentials: no permission, told with an unsubscribe")
          .isEqualTo(111);
      assertThat(anonymous.nextNotPing().json().path("unsubscribe").path("message").asText())
          .contains("connect");
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void anEmptyPostAnswersAPingAndASilentClientIsClosedWith4001() {
    StandaloneServer server =
        TestServers.start(Map.of("ws.ping-interval", "1s", "ws.pong-timeout", "1s"));
    try (SseClient answering = SseClient.open(sse(server)).opened();
        SseClient silent = SseClient.open(sse(server)).opened()) {
      assertThat(answering.next().type()).isEqualTo("ping");
      assertThat(answering.post("").status()).isEqualTo(204);
      assertThat(answering.next().type())
          .as("answered, it is pinged again rather than closed")
          .isEqualTo("ping");
      assertThat(answering.post("").status()).isEqualTo(204);

      SseClient.Event close = silent.nextOf("close");
      assertThat(close.json().path("code").asInt()).isEqualTo(4001);
      assertThat(silent.next().type()).isEqualTo("end");
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void anOversizedLineIsRefusedWith413AndClosesTheSessionWith1009() {
    StandaloneServer server = TestServers.start(Map.of("ws.max-message-size", "1KiB"));
    try (SseClient sse = SseClient.open(sse(server)).opened()) {
      String big = "{\"id\":1,\"op\":\"ping\",\"x\":\"" + "a".repeat(2000) + "\"}";
      Http.Response r = sse.post(big);
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.json().path("error").path("code").asInt()).isEqualTo(105);
      SseClient.Event close = sse.nextOf("close");
      assertThat(close.json().path("code").asInt()).isEqualTo(1009);
      Http.Response huge =
          Http.post(
              sse(server).resolve("sse/" + "AAAAAAAAAAAAAAAAAAAAAA"),
              "text/plain",
              new byte[20 * 1024]);
      assertThat(huge.status()).as("over 16 messages in all").isEqualTo(413);
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void theRateLimitAppliesToPostedCommandsAsToWebSocketMessages() {
    StandaloneServer server = TestServers.start(Map.of("ws.rate.messages", "5"));
    try (SseClient sse = SseClient.open(sse(server)).opened()) {
      StringBuilder body = new StringBuilder();
      for (int i = 1; i <= 15; i++) {
        body.append("{\"id\":").append(i).append(",\"op\":\"ping\"}\n");
      }
      assertThat(sse.post(body.toString()).status()).isEqualTo(204);
      JsonNode refused = null;
      for (int i = 0; i < 15 && refused == null; i++) {
        JsonNode m = sse.nextNotPing().json();
        if (m.has("error")) {
          refused = m;
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.path("error").path("code").asInt()).isEqualTo(114);
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void aStalledReaderIsClosedWith4000AndOthersKeepReceiving() throws Exception {
    StandaloneServer server =
        TestServers.start(
            Map.of(
                "outbox.max-bytes",
                "64KiB",
                "ws.send-buffer",
                "8KiB",
                "http.max-body-size",
                "1MiB"));
    try (Socket stalled = new Socket();
        SseClient reader = SseClient.open(sse(server)).opened()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
      OutputStream out = stalled.getOutputStream();
      out.write(
          "GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String session = sessionOf(stalled.getInputStream());
      URI posts = sse(server).resolve("sse/" + session);
      String subscribe = "{\"id\":1,\"op\":\"subscribe\",\"channel\":\"stall\"}";
      assertThat(
              Http.post(posts, "text/plain", subscribe.getBytes(StandardCharsets.UTF_8)).status())
          .isEqualTo(204);
      reader.post(subscribe);
      assertThat(reader.nextNotPing().json().path("ok").asBoolean()).isTrue();

      String chunk = "\"" + "x".repeat(16 * 1024) + "\"";
      long before = server.assembly().hub().metrics().closes(4000);
      int sent = 0;
      while (server.assembly().hub().metrics().closes(4000) == before && sent < 2000) {
        publish(server, "stall", chunk);
        sent++;
      }
      assertThat(server.assembly().hub().metrics().closes(4000)).isGreaterThan(before);
      publish(server, "stall", "\"last\"");
      for (; ; ) {
        SseClient.Event e = reader.nextNotPing();
        assertThat(e.type()).isEqualTo("message");
        if (e.json().path("data").asText().equals("last")) {
          break;
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> server.assembly().hub().metrics().sseSessions() == 1);
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void aClientThatGoesAwayEndsItsSessionAndFreesItsAdmission() throws Exception {
    // Grizzly does not report the peer's FIN on a suspended response: the next write (a ping, at
    // the latest) finds the connection gone.
    StandaloneServer server =
        TestServers.start(
            Map.of(
                "limits.max-connections-per-ip", "1",
                "ws.ping-interval", "1s",
                "ws.pong-timeout", "1s"));
    try {
      try (Socket gone = new Socket("127.0.0.1", server.port())) {
        gone.getOutputStream()
            .write(
                "GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        sessionOf(gone.getInputStream());
        assertThat(server.assembly().hub().metrics().sseSessions()).isEqualTo(1);
        Http.Response second = Http.get(sse(server));
        assertThat(second.status())
            .as("a stream counts as a connection of its address")
            .isEqualTo(429);
        assertThat(second.header("Retry-After")).isEqualTo("1");
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> server.assembly().hub().metrics().sseSessions() == 0);
      try (SseClient again = SseClient.open(sse(server)).opened()) {
        assertThat(again.status()).as("the address's one stream is free again").isEqualTo(200);
      }
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void switchedOffThereIsNothingAtTheFallbackPaths() {
    StandaloneServer server = TestServers.start(Map.of("sse.enabled", "false"));
    try {
      assertThat(Http.get(sse(server)).status()).isEqualTo(404);
      assertThat(server.assembly().sse()).isNull();
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }

  /** Reads the raw response until the open event's session. */
  private static String sessionOf(InputStream in) throws java.io.IOException {
    StringBuilder seen = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      seen.append((char) b);
      int at = seen.indexOf("\"session\":\"");
      if (at >= 0 && seen.length() >= at + 11 + 22) {
        return seen.substring(at + 11, at + 11 + 22);
      }
    }
    throw new AssertionError("no open event in " + seen);
  }

  @Test
  void shutdownClosesStreamsWith1012() {
    StandaloneServer server = TestServers.start(Map.of("shutdown.drain", "0s"));
    try (SseClient sse = SseClient.open(sse(server)).opened()) {
      Thread stopper = new Thread(() -> server.stop(Duration.ofSeconds(5)));
      stopper.start();
      SseClient.Event close = sse.nextOf("close");
      assertThat(close.json().path("code").asInt()).isEqualTo(1012);
      assertThat(sse.next().type()).isEqualTo("end");
    } finally {
      server.stop(Duration.ofSeconds(2));
    }
  }
}
