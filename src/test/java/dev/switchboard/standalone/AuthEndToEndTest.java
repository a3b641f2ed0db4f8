package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.frame.Frame;
import dev.switchboard.frame.Opcode;
import dev.switchboard.http.ApiKey;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Member;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.protocol.ServerMessage.Unsubscribed;
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
  void requiredAuthenticationWithoutTokenKeysDoesNotStartTheStandaloneServer() {
    // auth.container=true (the default) lets a WAR require its container's users; the standalone
    // server has none, so nobody could ever connect.
    assertThatThrownBy(() -> TestServers.start(Map.of("auth.required", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.required=true needs auth.hmac-secret or auth.keys-file");
  }

  @Test
  void aBrowserConnectsWithAConnectCommandFirst() {
    try (WsClient c = WsClient.connect(ws())) {
      c.error(id -> new Command.Subscribe(id, "room:a"), ErrorCode.UNAUTHORIZED);
      Ok connected = c.ok(id -> new Command.Connect(id, token("alice")));
      assertThat(connected.session().user()).isEqualTo("alice");
      assertThat(connected)
          .isEqualTo(new Ok(2, null, null, connected.session(), null, null)); // nothing else
      assertThat(c.call(id -> new Command.Subscribe(id, "room:a"))).isEqualTo(Ok.of(3));
      c.error(id -> new Command.Subscribe(id, "secret"), ErrorCode.FORBIDDEN);
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
      assertThat(c.call(id -> new Command.Subscribe(id, "room:svc"))).isEqualTo(Ok.of(1));
      Ok presence = c.ok(id -> new Command.Presence(id, "room:svc"));
      // Each session is its own token's user: svc-0 to svc-i have subscribed so far.
      List<String> users = new ArrayList<>();
      for (int j = 0; j <= i; j++) {
        users.add("svc-" + j);
      }
      assertThat(presence.clients())
          .extracting(Member::user)
          .containsExactlyInAnyOrderElementsOf(users);
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
      c.ok(id -> new Command.Connect(id, broad));
      for (String channel : List.of("news", "news:*", "room:marker")) {
        assertThat(c.call(id -> new Command.Subscribe(id, channel)))
            .as(channel)
            .isInstanceOf(Ok.class);
      }
      // Allowed by the token; refused only because news keeps no history.
      c.error(
          id -> new Command.History(id, "news", null, Command.History.ALL, false),
          ErrorCode.NOT_ENABLED);

      c.ok(id -> new Command.Refresh(id, narrow));
      // They came before the reply.
      List<ServerMessage> pushes = List.of(c.nextMessage(), c.nextMessage());
      assertThat(pushes).allMatch(Unsubscribed.class::isInstance);
      assertThat(pushes)
          .extracting(p -> ((Unsubscribed) p).channel() + " " + ((Unsubscribed) p).code())
          .containsExactlyInAnyOrder("news 111", "news:* 111");

      publishOverHttp("news", "\"late\"");
      publishOverHttp("news:flash", "\"late\"");
      publishOverHttp("room:marker", "\"marker\"");
      assertThat(c.nextMessage())
          .as("nothing for news before the marker")
          .isEqualTo(new Publication("room:marker", 0, "", new Payload.Json("\"marker\"")));

      Payload one = new Payload.Json("1");
      c.error(id -> new Command.Publish(id, "news", one), ErrorCode.FORBIDDEN);
      c.error(
          id -> new Command.History(id, "news", null, Command.History.ALL, false),
          ErrorCode.FORBIDDEN);
      c.error(id -> new Command.Subscribe(id, "news"), ErrorCode.FORBIDDEN);
      c.ok(id -> new Command.Publish(id, "room:marker", new Payload.Json("2")));
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
