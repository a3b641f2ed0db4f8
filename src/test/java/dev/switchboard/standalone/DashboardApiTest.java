package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.ApiKey;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the dashboard reads and does, on a real server: figures by namespace after known
 * subscriptions and publications, top channels in order, the engine link and bridges, and the admin
 * disconnect with its code, its count and its refusals.
 */
class DashboardApiTest {
  private static final String ADMIN = "admin-key";
  private static final String PUBLISHER = "publish-key";

  private StandaloneServer server;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    Map<String, String> settings = new HashMap<>();
    settings.put("namespace.chat.presence", "true");
    settings.put("namespace.feed.history.size", "10");
    settings.put("namespace.feed.history.ttl", "1m");
    settings.put("auth.hmac-secret", Tokens.SECRET); // clients may say who they are
    settings.put(
        "api.keys",
        ApiKey.forConfig("ops", ADMIN, ApiKey.Scope.ADMIN)
            + ","
            + ApiKey.forConfig("backend", PUBLISHER, ApiKey.Scope.PUBLISH));
    server = TestServers.start(settings);
  }

  @AfterEach
  void stop() {
    clients.forEach(WsClient::close);
    server.close();
  }

  private URI uri(String path) {
    return server.httpUri().resolve(path);
  }

  private WsClient client() {
    WsClient c = WsClient.connect(server.wsUri().resolve("/ws"));
    clients.add(c);
    return c;
  }

  private WsClient clientAs(String user) {
    String token =
        Tokens.hs256(
            Tokens.claims(user, Instant.now().plusSeconds(600), Map.of("*", List.of("subscribe"))));
    WsClient c =
        WsClient.connect(server.wsUri().resolve("/ws"), Map.of("Authorization", "Bearer " + token));
    clients.add(c);
    return c;
  }

  private static void subscribe(WsClient c, String... channels) {
    for (String channel : channels) {
      assertThat(c.call(id -> new Command.Subscribe(id, channel))).isInstanceOf(Ok.class);
    }
  }

  private void publish(String channel, int times) {
    for (int i = 0; i < times; i++) {
      Http.Response r =
          Http.postJson(
              uri("/api/publish"),
              "{\"channel\":\"" + channel + "\",\"data\":" + i + "}",
              "Authorization",
              "Bearer " + PUBLISHER);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  /** Reads {@code n} publications from {@code c}, past presence events. */
  private static void receive(WsClient c, int n) {
    for (int got = 0; got < n; ) {
      JsonNode m = c.nextJson();
      if (m.has("data") && m.has("channel")) {
        got++;
      }
    }
  }

  private JsonNode get(String path, String key) {
    Http.Response r = Http.get(uri(path), "Authorization", "Bearer " + key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static Map<String, String> namespaces(JsonNode stats) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode n : stats.path("namespaces")) {
      out.put(
          n.path("namespace").asText(),
          String.format(
              "channels %d, subscriptions %d, publications %d, deliveries %d, dropped %d",
              n.path("channels").asLong(),
              n.path("subscriptions").asLong(),
              n.path("publications").asLong(),
              n.path("deliveries").asLong(),
              n.path("dropped").asLong()));
    }
    return out;
  }

  @Test
  void statsCountChannelsSubscriptionsPublicationsAndDeliveriesByConfiguredNamespace() {
    WsClient a = client();
    WsClient b = client();
    WsClient c = client();
    subscribe(a, "chat:a", "chat:b");
    subscribe(b, "chat:a", "lobby", "other:x"); // other is not configured: counted as default
    subscribe(c, "feed:*");

    publish("chat:a", 3);
    publish("lobby", 1);
    publish("other:x", 1);
    publish("feed:z", 2);
    receive(a, 3);
    receive(b, 5);
    receive(c, 2);

    // The shipped defaults configure a namespace of their own (demo): only these three are ours.
    assertThat(namespaces(get("/api/stats", ADMIN)))
        .containsAllEntriesOf(
            Map.of(
                "chat", "channels 2, subscriptions 3, publications 3, deliveries 6, dropped 0",
                "default", "channels 2, subscriptions 2, publications 2, deliveries 2, dropped 0",
                "feed", "channels 0, subscriptions 1, publications 2, deliveries 2, dropped 0"));

    b.close();
    a.ok(id -> new Command.Unsubscribe(id, "chat:b"));
    org.awaitility.Awaitility.await()
        .untilAsserted(
            () ->
                assertThat(namespaces(get("/api/stats", ADMIN)))
                    .containsEntry(
                        "chat",
                        "channels 1, subscriptions 1, publications 3, deliveries 6, dropped 0")
                    .containsEntry(
                        "default",
                        "channels 0, subscriptions 0, publications 2, deliveries 2, dropped 0"));
  }

  @Test
  void topChannelsAreOrderedBySubscribersAndByRecentPublicationRate() {
    WsClient a = client();
    WsClient b = client();
    WsClient c = client();
    subscribe(a, "t:three");
    subscribe(b, "t:three", "t:two");
    subscribe(c, "t:three", "t:two");
    // The youngest channel with the most publications: its rate is the highest however fast
    // this machine is.
    subscribe(a, "t:one");
    publish("t:one", 5);
    publish("t:two", 2);
    receive(a, 5);
    receive(b, 2);
    receive(c, 2);

    JsonNode top = get("/api/stats/channels", ADMIN);
    assertThat(channels(top.path("by_subscribers")))
        .containsExactly("t:three 3 0", "t:two 2 2", "t:one 1 5");
    assertThat(channels(top.path("by_rate")))
        .containsExactly("t:one 1 5", "t:two 2 2", "t:three 3 0");
    assertThat(top.path("by_rate").get(0).path("rate").asDouble())
        .isGreaterThan(top.path("by_rate").get(1).path("rate").asDouble());
    assertThat(top.path("by_rate").get(2).path("rate").asDouble()).isZero();

    assertThat(channels(get("/api/stats/channels?limit=1", ADMIN).path("by_subscribers")))
        .containsExactly("t:three 3 0");
    for (String bad : List.of("limit=101", "limit=-1", "limit=x")) {
      Http.Response r =
          Http.get(uri("/api/stats/channels?" + bad), "Authorization", "Bearer " + ADMIN);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().path("error").path("code").asInt()).as(bad).isEqualTo(103);
    }
    Http.Response publisher =
        Http.get(uri("/api/stats/channels"), "Authorization", "Bearer " + PUBLISHER);
    assertThat(publisher.status()).isEqualTo(403);
  }

  private static List<String> channels(JsonNode list) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : list) {
      out.add(
          c.path("channel").asText()
              + " "
              + c.path("subscribers").asInt()
              + " "
              + c.path("publications").asLong());
    }
    return out;
  }

  @Test
  void statsShowTheMemoryEngineHasNoLinkNoBridgesAndThatAnAdminKeyIsAdmin() {
    JsonNode stats = get("/api/stats", ADMIN);
    assertThat(stats.path("engine").path("link").toString()).isEqualTo("{\"state\":\"none\"}");
    assertThat(stats.path("bridges").isArray()).isTrue();
    assertThat(stats.path("bridges")).isEmpty();
    assertThat(stats.path("caller").path("admin").asBoolean()).isTrue();
  }

  @Test
  void anAdminDisconnectClosesEveryConnectionOfTheUserWith4510AndSaysHowMany() throws Exception {
    WsClient alice1 = clientAs("alice");
    WsClient alice2 = clientAs("alice");
    WsClient bob = clientAs("bob");
    subscribe(alice1, "chat:a");
    subscribe(bob, "chat:a");

    Http.Response r =
        Http.postJson(
            uri("/api/disconnect"),
            "{\"user\":\"alice\",\"reason\":\"account review\"}",
            "Authorization",
            "Bearer " + ADMIN);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("closed_here").asInt()).isEqualTo(2);
    assertThat(r.json().path("code").asInt()).isEqualTo(4510);
    assertThat(r.json().path("other_nodes").asText()).isEqualTo("none");
    WsClient.Close expected = new WsClient.Close(4510, "account review");
    assertThat(alice1.closed().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(expected);
    assertThat(alice2.closed().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(expected);
    assertThat(bob.call(Command.Ping::new)).isInstanceOf(Ok.class);
    assertThat(bob.closed()).isNotDone();
    assertThat(get("/api/stats", ADMIN).path("closes").path("4510").asLong()).isEqualTo(2);

    Http.Response again =
        Http.postJson(
            uri("/api/disconnect"), "{\"user\":\"alice\"}", "Authorization", "Bearer " + ADMIN);
    assertThat(again.json().path("closed_here").asInt()).isZero();
  }

  @Test
  void aDisconnectWithoutTheAdminScopeOrWithABadBodyIsRefusedAndClosesNothing() {
    WsClient alice = clientAs("alice");
    URI disconnect = uri("/api/disconnect");
    String body = "{\"user\":\"alice\"}";

    assertRefused(Http.postJson(disconnect, body), 401, 110);
    assertRefused(
        Http.postJson(disconnect, body, "Authorization", "Bearer " + PUBLISHER), 403, 111);
    String auth = "Bearer " + ADMIN;
    assertRefused(Http.postJson(disconnect, "{\"user\":", "Authorization", auth), 400, 101);
    assertRefused(Http.postJson(disconnect, "[\"alice\"]", "Authorization", auth), 400, 101);
    assertRefused(Http.postJson(disconnect, "{}", "Authorization", auth), 400, 103);
    assertRefused(Http.postJson(disconnect, "{\"user\":\"\"}", "Authorization", auth), 400, 103);
    assertRefused(Http.postJson(disconnect, "{\"user\":7}", "Authorization", auth), 400, 103);
    String longReason = "{\"user\":\"alice\",\"reason\":\"" + "é".repeat(62) + "\"}";
    assertRefused(Http.postJson(disconnect, longReason, "Authorization", auth), 400, 103);
    assertRefused(
        Http.post(
            disconnect,
            "text/plain",
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "Authorization",
            auth),
        415,
        101);
    assertRefused(Http.get(disconnect, "Authorization", auth), 405, 102);

    assertThat(alice.call(Command.Ping::new)).isInstanceOf(Ok.class);
    assertThat(alice.closed()).isNotDone();
  }

  private static void assertRefused(Http.Response r, int status, int code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.json().path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
  }
}
