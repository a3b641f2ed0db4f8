package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.frame.Frame;
import dev.switchboard.frame.Opcode;
import dev.switchboard.http.ApiKey;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens, API key scopes and rate limits on the real standalone server. */
class AuthEndToEndTest {
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server =
        TestServers.start(
            Map.of(
                "auth.required", "true",
                "auth.hmac-secret", Tokens.SECRET,
                "ws.handshake-timeout", "1s",
                "ws.rate.messages", "20",
                "namespace.room.presence", "true",
                // One fan-out lane: a client then gets publications in publish order across
                // channels too, so a later one on another channel proves an earlier one was not
                // sent.
                "hub.fanout-threads", "1",
                "api.keys",
                    ApiKey.forConfig("pub", "pub-key", ApiKey.Scope.PUBLISH)
                        + ","
                        + ApiKey.forConfig("ops", "ops-key", ApiKey.Scope.ADMIN)));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  private static String token(String user) {
    return Tokens.hs256(
        Tokens.claims(
            user,
            Instant.now().plusSeconds(600),
            Map.of("room:*", List.of("subscribe", "publish", "presence"))));
  }

  private static URI ws() {
    return server.wsUri().resolve("/ws");
  }

  @Test
  void aBrowserConnectsWithAConnectCommandFirst() {
    try (WsClient c = WsClient.connect(ws())) {
      assertThat(
              c.request("\"op\":\"subscribe\",\"channel\":\"room:a\"")
                  .path("error")
                  .path("code")
                  .asInt())
          .isEqualTo(110);
      JsonNode ok = c.request("\"op\":\"connect\",\"token\":\"" + token("alice") + "\"");
      assertThat(ok.path("user").asText()).isEqualTo("alice");
      assertThat(c.request("\"op\":\"subscribe\",\"channel\":\"room:a\"").path("ok").asBoolean())
          .isTrue();
      assertThat(
              c.request("\"op\":\"subscribe\",\"channel\":\"secret\"")
                  .path("error")
                  .path("code")
                  .asInt())
          .isEqualTo(111);
    }
  }

  @Test
  void aServiceSendsItsTokenInTheAuthorizationHeaderAndEachSessionKeepsItsOwn() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      clients.add(WsClient.connect(ws(), Map.of("Authorization", "Bearer " + token("svc-" + i))));
    }
    for (int i = 0; i < clients.size(); i++) {
      WsClient c = clients.get(i);
      c.send("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"room:svc\"}");
      assertThat(c.nextText()).isEqualTo("{\"id\":1,\"ok\":true}");
      c.send("{\"id\":2,\"op\":\"presence\",\"channel\":\"room:svc\"}");
      String presence = c.reply(2).toString();
      assertThat(presence).contains("\"user\":\"svc-" + i + "\"");
    }
    clients.forEach(WsClient::close);
  }

  @Test
  void aBadTokenInTheHeaderClosesWith4500AndNoTokenAtAllAfterTheTimeout() throws IOException {
    try (RawWsClient bad =
        RawWsClient.connectFrom(
            "127.0.0.1", "127.0.0.1", server.port(), "/ws", "Authorization: Bearer nope\r\n")) {
      assertThat(bad.readUntilClose().closeCode()).isEqualTo(4500);
    }
    try (RawWsClient silent = RawWsClient.connect("127.0.0.1", server.port(), "/ws", 0)) {
      Frame close = silent.readUntilClose();
      assertThat(close.closeCode()).isEqualTo(4500);
      assertThat(close.text()).contains("no token");
    }
  }

  @Test
  void apiKeysAreCheckedForTheirScope() {
    String body = "{\"channel\":\"room:h\",\"data\":1}";
    assertThat(
            Http.postJson(
                    server.httpUri().resolve("/api/publish"),
                    body,
                    "Authorization",
                    "Bearer pub-key")
                .status())
        .isEqualTo(200);
    assertThat(
            Http.get(server.httpUri().resolve("/api/stats"), "Authorization", "Bearer pub-key")
                .status())
        .isEqualTo(403);
    assertThat(
            Http.get(server.httpUri().resolve("/api/stats"), "Authorization", "Bearer ops-key")
                .status())
        .isEqualTo(200);
    assertThat(
            Http.postJson(
                    server.httpUri().resolve("/api/publish"),
                    body,
                    "Authorization",
                    "Bearer ops-key")
                .status())
        .isEqualTo(200);
    assertThat(Http.postJson(server.httpUri().resolve("/api/publish"), body).status())
        .isEqualTo(401);
  }

  @Test
  void aFloodIsAnsweredWith114AndClosedWith4002WhenItPersists() throws IOException {
    try (RawWsClient c = RawWsClient.connect("127.0.0.1", server.port(), "/ws", 0)) {
      c.sendText("{\"id\":1,\"op\":\"connect\",\"token\":\"" + token("flood") + "\"}");
      assertThat(c.readFrame().text()).contains("\"ok\":true");
      boolean sawRefusal = false;
      int code = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      // Keep sending (bounded in time) until the server closes the connection.
      while (System.nanoTime() < deadline && code == 0) {
        for (int i = 0; i < 50; i++) {
          c.sendText("{\"op\":\"ping\"}");
        }
        c.setReadTimeout(50);
        try {
          while (true) {
            Frame f = c.readFrame();
            if (f.opcode() == Opcode.CLOSE) {
              code = f.closeCode();
              break;
            }
            sawRefusal |= f.text().contains("\"code\":114");
          }
        } catch (java.net.SocketTimeoutException e) {
          // nothing more right now: flood on
        }
      }
      assertThat(sawRefusal).isTrue();
      assertThat(code).isEqualTo(4002);
    } catch (java.net.SocketException e) {
      // the server closed while we were still writing: that is the point
    }
  }

  @Test
  void aRefreshToANarrowerTokenEndsItsSubscriptionsWithAPushAndNothingMoreArrivesForThem() {
    String broad =
        Tokens.hs256(
            Tokens.claims(
                "nina",
                Instant.now().plusSeconds(600),
                Map.of(
                    "news", List.of("subscribe", "publish", "history"),
                    "news:*", List.of("subscribe"),
                    "room:*", List.of("subscribe", "publish"))));
    String narrow =
        Tokens.hs256(
            Tokens.claims(
                "nina",
                Instant.now().plusSeconds(900),
                Map.of("room:*", List.of("subscribe", "publish"))));
    try (WsClient c = WsClient.connect(ws())) {
      assertThat(c.request("\"op\":\"connect\",\"token\":\"" + broad + "\"").path("ok").asBoolean())
          .isTrue();
      for (String channel : List.of("news", "news:*", "room:marker")) {
        assertThat(
                c.request("\"op\":\"subscribe\",\"channel\":\"" + channel + "\"")
                    .path("ok")
                    .asBoolean())
            .as(channel)
            .isTrue();
      }
      // Allowed by the token; refused only because news keeps no history.
      assertThat(
              c.request("\"op\":\"history\",\"channel\":\"news\"")
                  .path("error")
                  .path("code")
                  .asInt())
          .isEqualTo(112);

      assertThat(
              c.request("\"op\":\"refresh\",\"token\":\"" + narrow + "\"").path("ok").asBoolean())
          .isTrue();
      List<JsonNode> pushes = List.of(c.nextJson(), c.nextJson()); // they came before the reply
      assertThat(pushes)
          .extracting(
              p -> p.path("channel").asText() + " " + p.path("unsubscribe").path("code").asInt())
          .containsExactlyInAnyOrder("news 111", "news:* 111");

      publishOverHttp("news", "\"late\"");
      publishOverHttp("news:flash", "\"late\"");
      publishOverHttp("room:marker", "\"marker\"");
      JsonNode next = c.nextJson();
      assertThat(next.path("channel").asText())
          .as("nothing for news before the marker: " + next)
          .isEqualTo("room:marker");
      assertThat(next.path("data").asText()).isEqualTo("marker");

      assertThat(
              c.request("\"op\":\"publish\",\"channel\":\"news\",\"data\":1")
                  .path("error")
                  .path("code")
                  .asInt())
          .isEqualTo(111);
      assertThat(
              c.request("\"op\":\"history\",\"channel\":\"news\"")
                  .path("error")
                  .path("code")
                  .asInt())
          .isEqualTo(111);
      assertThat(
              c.request("\"op\":\"subscribe\",\"channel\":\"news\"")
                  .path("error")
                  .path("code")
                  .asInt())
          .isEqualTo(111);
      assertThat(
              c.request("\"op\":\"publish\",\"channel\":\"room:marker\",\"data\":2")
                  .path("ok")
                  .asBoolean())
          .isTrue();
    }
  }

  private static void publishOverHttp(String channel, String json) {
    String body = "{\"channel\":\"" + channel + "\",\"data\":" + json + "}";
    assertThat(
            Http.postJson(
                    server.httpUri().resolve("/api/publish"),
                    body,
                    "Authorization",
                    "Bearer pub-key")
                .status())
        .isEqualTo(200);
  }
}
