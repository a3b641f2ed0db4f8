package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.app.Channels;
import dev.switchboard.app.Published;
import dev.switchboard.client.Message;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Join;
import dev.switchboard.protocol.ServerMessage.Member;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.ClientEvents;
import dev.switchboard.testing.ClientRecorder;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TcpProxy;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two standalone nodes on the machine's Redis share channels, history and presence. */
class ClusterTest {
  private final String prefix = Redis.freshPrefix();
  private StandaloneServer a;
  private StandaloneServer b;

  @BeforeEach
  void startNodes() {
    Map<String, String> settings = new HashMap<>(Redis.clusterSettings(Redis.URI, prefix));
    settings.put("auth.hmac-secret", Tokens.SECRET); // clients may say who they are
    a = TestServers.start(settings);
    b = TestServers.start(settings);
  }

  @AfterEach
  void stopNodes() {
    a.close();
    b.close();
    Redis.deleteAll(Redis.URI, prefix);
  }

  /** The next publication, past any presence event (join or leave) before it. */
  private static JsonNode nextPublication(WsClient client) {
    JsonNode n = client.nextJson();
    while (n.has("join") || n.has("leave")) {
      n = client.nextJson();
    }
    return n;
  }

  private static URI ws(StandaloneServer s) {
    return s.wsUri().resolve("/ws");
  }

  /** A client of node {@code s} as {@code user}, its connection registered on the node. */
  private static WsClient connectAs(StandaloneServer s, String user) {
    String token =
        Tokens.hs256(
            Tokens.claims(
                user, Instant.now().plusSeconds(600), Map.of("room:*", List.of("subscribe"))));
    WsClient client = WsClient.connect(ws(s), Map.of("Authorization", "Bearer " + token));
    client.ok(id -> new Command.Subscribe(id, "room:lobby"));
    return client;
  }

  @Test
  void disconnectUserOnOneNodeClosesThatUsersConnectionsOnEveryNodeWithTheGivenCode()
      throws Exception {
    try (WsClient aliceOnB = connectAs(b, "alice");
        WsClient aliceOnA = connectAs(a, "alice");
        WsClient bobOnB = connectAs(b, "bob")) {
      a.assembly()
          .channels()
          .disconnectUser("alice", CloseCode.UNAUTHORIZED, "account suspended")
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);

      WsClient.Close expected = new WsClient.Close(4500, "account suspended");
      assertThat(aliceOnB.closed().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(expected);
      assertThat(aliceOnA.closed().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(expected);
      // Node B acted on the command for all its connections at once: bob was left open.
      assertThat(bobOnB.call(id -> new Command.Subscribe(id, "room:after"))).isEqualTo(Ok.of(2));
      assertThat(bobOnB.closed()).isNotDone();
    }
  }

  @Test
  void unsubscribeUserOnOneNodeEndsThatUsersSubscriptionOnTheOtherWithPush111() throws Exception {
    try (WsClient aliceOnB = connectAs(b, "alice");
        WsClient bobOnB = connectAs(b, "bob")) {
      aliceOnB.ok(id -> new Command.Subscribe(id, "room:u"));
      bobOnB.ok(id -> new Command.Subscribe(id, "room:u"));

      Channels channels = a.assembly().channels();
      channels
          .unsubscribeUser("alice", "room:u", "removed from the room")
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);

      assertThat(aliceOnB.nextMessage())
          .isEqualTo(new ServerMessage.Unsubscribed("room:u", 111, "removed from the room"));
      Published p = channels.publish("room:u", "1").toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(bobOnB.nextMessage())
          .isEqualTo(new Publication("room:u", p.offset(), p.epoch(), new Payload.Json("1")));
      // Bob has the publication, so alice would have had it before this reply: she has not.
      assertThat(aliceOnB.call(id -> new Command.Subscribe(id, "room:v"))).isEqualTo(Ok.of(3));
    }
  }

  @Test
  void publicationsPresenceAndHistoryAreTheSameOnEveryNode() {
    try (WsClient onA = WsClient.connect(ws(a));
        WsClient onB = WsClient.connect(ws(b))) {
      onB.ok(id -> new Command.Subscribe(id, "feed:x", null, "{\"name\":\"bea\"}"));
      onA.ok(id -> new Command.Subscribe(id, "feed:x", null, "{\"name\":\"al\"}"));
      ServerMessage join = onB.nextMessage(); // al joined, on the other node
      assertThat(join).isInstanceOf(Join.class);
      String al = ((Join) join).member().client();
      assertThat(join).isEqualTo(new Join("feed:x", new Member(al, null, "{\"name\":\"al\"}")));

      Payload fromA = new Payload.Json("{\"from\":\"a\"}");
      Ok published = onA.ok(id -> new Command.Publish(id, "feed:x", fromA));
      assertThat(published.position().offset()).isEqualTo(1);
      assertThat(onB.nextMessage())
          .isEqualTo(new Publication("feed:x", 1, published.position().epoch(), fromA));
      // bea's join was published after her subscribe reply, so it may reach node A after al's
      // subscription there: al may or may not hear it, before his own publication comes back.
      assertThat(nextPublication(onA).path("offset").asLong()).isEqualTo(1);

      assertThat(
              Http.postJson(
                      b.httpUri().resolve("/api/publish"),
                      "{\"channel\":\"feed:x\",\"data\":{\"from\":\"b\"}}")
                  .status())
          .isEqualTo(200);
      assertThat(nextPublication(onA).path("offset").asLong()).isEqualTo(2);
      assertThat(onB.nextJson().path("offset").asLong()).isEqualTo(2);

      JsonNode presenceA = Http.get(a.httpUri().resolve("/api/presence?channel=feed:x")).json();
      JsonNode presenceB = Http.get(b.httpUri().resolve("/api/presence?channel=feed:x")).json();
      assertThat(presenceA.path("count").asInt()).isEqualTo(2);
      assertThat(names(presenceA))
          .containsExactlyInAnyOrderElementsOf(names(presenceB))
          .containsExactlyInAnyOrder("al", "bea");

      JsonNode historyA =
          Http.get(a.httpUri().resolve("/api/history?channel=feed:x&limit=10")).json();
      JsonNode historyB =
          Http.get(b.httpUri().resolve("/api/history?channel=feed:x&limit=10")).json();
      assertThat(historyA).isEqualTo(historyB);
      assertThat(historyA.path("publications")).hasSize(2);

      JsonNode stats = Http.get(a.httpUri().resolve("/api/stats")).json();
      assertThat(stats.path("engine").path("name").asText()).isEqualTo("redis");
      assertThat(stats.path("engine").path("ready").asBoolean()).isTrue();
      assertThat(Http.get(b.httpUri().resolve("/ready")).status()).isEqualTo(200);
    }
  }

  private static List<String> names(JsonNode presence) {
    return java.util.stream.StreamSupport.stream(presence.path("clients").spliterator(), false)
        .map(c -> c.path("info").path("name").asText())
        .toList();
  }

  @Test
  void aClientThatLosesItsNodeRecoversOnTheOtherWithNothingLostOrRepeated() throws Exception {
    try (TcpProxy balancer = new TcpProxy(a.port(), b.port())) {
      ClientRecorder recorder = new ClientRecorder();
      ClientEvents events = new ClientEvents();
      try (SwitchboardClient client =
          SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + balancer.port() + "/ws"))
              .backoff(Duration.ofMillis(50), Duration.ofMillis(300))
              .listener(events)
              .build()) {
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribe("feed:y", recorder);
        assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
        assertThat(a.openConnections()).as("the balancer sent the client to node A").isEqualTo(1);

        int total = 1_000;
        Thread publisher =
            new Thread(
                () -> {
                  for (int n = 1; n <= total; n++) {
                    assertThat(
                            Http.postJson(
                                    b.httpUri().resolve("/api/publish"),
                                    "{\"channel\":\"feed:y\",\"data\":" + n + "}")
                                .status())
                        .isEqualTo(200);
                  }
                });
        publisher.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.messages.size() >= 200);
        a.close(); // node A goes away; the balancer sends the reconnect to B
        assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
        publisher.join(60_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.messages.size() >= total);
        List<Long> offsets = recorder.messages.stream().map(Message::offset).toList();
        assertThat(offsets).isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(events.seen).contains("disconnected 1012");
      }
    }
  }
}
