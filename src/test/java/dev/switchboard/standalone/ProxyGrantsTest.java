package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.client.Message;
import dev.switchboard.client.SubscriptionListener;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.testing.FakeBackend;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a backend's connect answer grants (user, channels, expiry, info) and its refresh answers at
 * that expiry, on a real standalone server with real WebSocket clients, against a backend in this
 * process. Clients say who they are with an {@code X-Who} header the proxy forwards: the server
 * needs no token, so the backend alone says who a connection is (cookie-style authentication).
 */
class ProxyGrantsTest {
  private static FakeBackend backend;
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    backend = new FakeBackend(ProxyGrantsTest::answer);
    Map<String, String> settings = new HashMap<>();
    settings.put("proxy.connect.url", backend.url("/connect"));
    settings.put("proxy.refresh.url", backend.url("/refresh"));
    settings.put("proxy.rpc.url", backend.url("/rpc"));
    settings.put("proxy.headers", "X-Who");
    // Only "stuck" runs into it, and its backend never answers: long enough that the others'
    // answers arrive in time on a loaded machine.
    settings.put("proxy.timeout", "3s");
    settings.put("namespaces.strict", "true");
    settings.put("namespace.hist.history.size", "10");
    settings.put("namespace.hist.history.ttl", "1m");
    settings.put("namespace.room.presence", "true");
    server = TestServers.start(settings);
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
    backend.close();
  }

  private static String who(JsonNode request) {
    return request.path("headers").path("x-who").asText("");
  }

  /** Two seconds from now, in the answers' unix seconds. */
  private static long soon() {
    return Instant.now().getEpochSecond() + 2;
  }

  private static String answer(String path, JsonNode request) {
    String who = who(request);
    return switch (path) {
      case "/connect" ->
          switch (who) {
            case "alice" ->
                "{\"result\":{\"user\":\"alice\",\"channels\":[\"news\",\"hist:a\",\"room:1\"],"
                    + "\"info\":{\"name\":\"Alice\"}}}";
            case "bad-name" -> "{\"result\":{\"channels\":[\"bad name\"]}}";
            case "past" -> "{\"result\":{\"expire_at\":1}}";
            case "number-user" -> "{\"result\":{\"user\":17}}";
            case "unknown-namespace" -> "{\"result\":{\"channels\":[\"nope:x\"]}}";
            case "renew", "revoked", "stuck" ->
                "{\"result\":{\"user\":\"" + who + "\",\"expire_at\":" + soon() + "}}";
            case "" -> "{\"result\":{\"channels\":[\"hist:java\"]}}"; // the Java client
            default -> "{\"result\":{}}";
          };
      case "/refresh" ->
          switch (who) {
            case "renew" ->
                backend.requests("/refresh", r -> "renew".equals(who(r))).size() == 1
                    ? "{\"result\":{\"expire_at\":" + soon() + "}}"
                    : "{\"result\":{\"expired\":true}}";
            case "revoked" -> "{\"error\":{\"code\":403,\"message\":\"session revoked\"}}";
            case "stuck" -> FakeBackend.STALL;
            default -> "{\"result\":{\"expired\":true}}";
          };
      case "/rpc" -> "{\"result\":{\"data\":{\"user\":\"" + request.path("user").asText() + "\"}}}";
      default -> "{\"error\":{\"code\":404,\"message\":\"no such endpoint\"}}";
    };
  }

  private static URI ws() {
    return server.wsUri().resolve("/ws");
  }

  private static WsClient as(String who) {
    return WsClient.connect(ws(), Map.of("X-Who", who));
  }

  private static JsonNode proxyStats() {
    Http.Response r = Http.get(server.httpUri().resolve("/api/stats"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("proxy");
  }

  @Test
  void theConnectAnswerSetsTheUserAndInfoAndSubscribesToItsChannelsWithPushes() throws Exception {
    try (WsClient alice = as("alice")) {
      Map<String, JsonNode> pushes = new HashMap<>();
      for (int i = 0; i < 3; i++) {
        JsonNode push = alice.nextJson();
        assertThat(push.has("subscribe")).as(push.toString()).isTrue();
        pushes.put(push.path("channel").asText(), push.path("subscribe"));
      }
      assertThat(pushes).containsOnlyKeys("news", "hist:a", "room:1");
      assertThat(pushes.get("news").size()).as("no history, no position").isZero();
      assertThat(pushes.get("hist:a").path("epoch").asText()).isNotEmpty();
      long offset = pushes.get("hist:a").path("offset").asLong();

      server.assembly().channels().publish("hist:a", "{\"n\":1}").toCompletableFuture().get();
      JsonNode publication = alice.nextJson();
      assertThat(publication.path("channel").asText()).isEqualTo("hist:a");
      assertThat(publication.path("offset").asLong()).isEqualTo(offset + 1);

      JsonNode presence = alice.request("\"op\":\"presence\",\"channel\":\"room:1\"");
      assertThat(presence.path("clients").get(0).path("user").asText()).isEqualTo("alice");
      assertThat(presence.path("clients").get(0).path("info").path("name").asText())
          .isEqualTo("Alice");
      JsonNode rpc = alice.request("\"op\":\"rpc\",\"method\":\"whoami\"");
      assertThat(rpc.path("result").path("data").path("user").asText())
          .as("later decisions see the granted user")
          .isEqualTo("alice");
      alice.error(i -> new Command.Subscribe(i, "news"), ErrorCode.ALREADY_SUBSCRIBED);

      server
          .assembly()
          .channels()
          .disconnectUser("alice", CloseCode.DISCONNECTED, "bye")
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      assertThat(alice.awaitClose().code()).isEqualTo(CloseCode.DISCONNECTED.code());
    }
  }

  @Test
  void theJavaClientHandsTheChannelsTheServerSubscribedItToItsServerSubscriptionsListener()
      throws Exception {
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    SubscriptionListener listener =
        new SubscriptionListener() {
          @Override
          public void onMessage(Message m) {
            got.add(m);
          }

          @Override
          public void onSubscribed(boolean recovered, String reason) {
            subscribed.countDown();
          }
        };
    try (SwitchboardClient client =
        SwitchboardClient.builder(ws()).serverSubscriptions(listener).build()) {
      client.connect().get(30, TimeUnit.SECONDS);
      assertThat(subscribed.await(30, TimeUnit.SECONDS)).isTrue();
      server.assembly().channels().publish("hist:java", "{\"n\":7}").toCompletableFuture().get();
      Message m = got.poll(30, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.channel()).isEqualTo("hist:java");
      assertThat(m.json()).isEqualTo("{\"n\":7}");
      assertThat(m.offset()).isPositive();
    }
  }

  @Test
  void anInvalidGrantDeniesTheConnectionAndIsCounted() {
    long malformed = proxyStats().path("malformed").asLong();
    for (String who : new String[] {"bad-name", "past", "number-user"}) {
      try (WsClient c = as(who)) {
        WsClient.Close close = c.awaitClose();
        assertThat(close.code()).as(who).isEqualTo(CloseCode.FORBIDDEN.code());
        assertThat(close.reason()).as(who).isEqualTo("malformed backend answer");
      }
    }
    JsonNode after = proxyStats();
    assertThat(after.path("malformed").asLong()).as(after.toString()).isEqualTo(malformed + 3);
    try (WsClient c = as("unknown-namespace")) {
      WsClient.Close close = c.awaitClose();
      assertThat(close.code()).isEqualTo(CloseCode.FORBIDDEN.code());
      assertThat(close.reason()).isEqualTo("refused by the application");
    }
  }

  @Test
  void atTheGrantedExpiryTheBackendExtendsTheConnectionThenLetsItExpireWith4003() {
    try (WsClient c = as("renew")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> backend.requests("/refresh", r -> "renew".equals(who(r))).size() == 1);
      c.ok(i -> new Command.Ping(i)); // extended: still open
      WsClient.Close close = c.awaitClose();
      assertThat(close.code()).isEqualTo(CloseCode.TOKEN_EXPIRED.code());
      assertThat(close.reason()).isEqualTo("connection expired: reconnect");
      assertThat(backend.requests("/refresh", r -> "renew".equals(who(r))))
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.path("user").asText()).isEqualTo("renew"));
    }
  }

  @Test
  void aRefreshTheBackendDeniesClosesWith4503AndOneItCannotAnswerWith1011() {
    try (WsClient revoked = as("revoked");
        WsClient stuck = as("stuck")) {
      WsClient.Close denied = revoked.awaitClose();
      assertThat(denied.code()).isEqualTo(CloseCode.FORBIDDEN.code());
      assertThat(denied.reason()).isEqualTo("session revoked");
      WsClient.Close unavailable = stuck.awaitClose();
      assertThat(unavailable.code()).isEqualTo(CloseCode.INTERNAL_ERROR.code());
      assertThat(unavailable.reason()).isEqualTo("backend unavailable: no answer within 3000 ms");
    }
  }
}
