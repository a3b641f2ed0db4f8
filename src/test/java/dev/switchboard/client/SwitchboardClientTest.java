package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.ClientEvents;
import dev.switchboard.testing.ClientRecorder;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.ScriptedWsServer;
import dev.switchboard.testing.TcpProxy;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Java client against a real standalone server, through a proxy that can cut connections. */
class SwitchboardClientTest {
  private static final Map<String, String> HISTORY =
      Map.of("namespace.e2e.history.size", "5000", "namespace.e2e.history.ttl", "10m");

  private static void publishOverHttp(StandaloneServer server, String channel, int n) {
    assertThat(
            Http.postJson(
                    server.httpUri().resolve("/api/publish"),
                    "{\"channel\":\"" + channel + "\",\"data\":{\"n\":" + n + "}}")
                .status())
        .isEqualTo(200);
  }

  @Test
  void aCutConnectionIsReconnectedAndEveryMissedPublicationArrivesOnceInOrder() throws Exception {
    StandaloneServer server = TestServers.start(HISTORY);
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      ClientEvents events = new ClientEvents();
      ClientRecorder recorder = new ClientRecorder();
      try (SwitchboardClient client =
          SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
              .backoff(Duration.ofMillis(50), Duration.ofMillis(300))
              .listener(events)
              .build()) {
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribe("e2e:feed", recorder);
        assertThat(recorder.nextSubscribed()).isEqualTo("recovered");

        int total = 800;
        Thread publisher =
            new Thread(
                () -> {
                  for (int n = 1; n <= total; n++) {
                    publishOverHttp(server, "e2e:feed", n);
                  }
                });
        publisher.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.messages.size() >= 100);
        proxy.cutAll(); // the network fails while publishing goes on
        assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
        publisher.join(60_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.messages.size() >= total);
        List<Message> got = List.copyOf(recorder.messages);
        assertThat(got).hasSize(total);
        for (int i = 0; i < total; i++) {
          assertThat(got.get(i).offset()).as("in order, no gap, no duplicate").isEqualTo(i + 1);
          assertThat(got.get(i).json()).isEqualTo("{\"n\":" + (i + 1) + "}");
        }
        assertThat(events.seen).contains("connected", "disconnected 1006", "reconnecting 1");
      }
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aTracePublishedByOneClientReachesAClientThatAsksForTraces() throws Exception {
    StandaloneServer server = TestServers.start(HISTORY);
    URI uri = server.wsUri().resolve("/ws");
    dev.switchboard.protocol.TraceContext trace =
        dev.switchboard.protocol.TraceContext.parse(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "k=v");
    ClientRecorder withTraces = new ClientRecorder();
    ClientRecorder without = new ClientRecorder();
    try (SwitchboardClient tracing = SwitchboardClient.builder(uri).traces(true).build();
        SwitchboardClient plain = SwitchboardClient.builder(uri).build()) {
      tracing.connect().get(10, TimeUnit.SECONDS);
      plain.connect().get(10, TimeUnit.SECONDS);
      tracing.subscribe("e2e:traced", withTraces);
      plain.subscribe("e2e:traced", without);
      assertThat(withTraces.nextSubscribed()).isEqualTo("recovered");
      assertThat(without.nextSubscribed()).isEqualTo("recovered");
      plain.publish("e2e:traced", "1", trace).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> without.messages.size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> withTraces.messages.size() == 1);
      assertThat(withTraces.messages.get(0).trace()).isEqualTo(trace);
      assertThat(without.messages.get(0).trace()).isNull();
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void afterAServerRestartTheSubscriptionIsToldItCouldNotRecover() throws Exception {
    StandaloneServer first = TestServers.start(HISTORY);
    ClientEvents events = new ClientEvents();
    ClientRecorder recorder = new ClientRecorder();
    // The proxy is the address that stays while the server behind it restarts on a new port.
    try (TcpProxy proxy = new TcpProxy(first.port());
        SwitchboardClient client =
            SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .listener(events)
                .build()) {
      client.connect().get(10, TimeUnit.SECONDS);
      client.subscribe("e2e:restart", recorder);
      assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
      publishOverHttp(first, "e2e:restart", 1);
      await().until(() -> recorder.messages.size() == 1);

      first.stop(Duration.ofSeconds(1));
      StandaloneServer second = TestServers.start(HISTORY);
      proxy.retarget(second.port());
      try {
        assertThat(recorder.nextSubscribed()).startsWith("lost: epoch changed");
        publishOverHttp(second, "e2e:restart", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 2);
        assertThat(recorder.messages.get(1).offset()).isEqualTo(1); // a new history
        assertThat(recorder.messages)
            .extracting(Message::json)
            .containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(events.seen).startsWith("connected", "disconnected 1012", "reconnecting 1");
      } finally {
        second.stop(Duration.ofSeconds(1));
      }
    }
  }

  @Test
  void aFinalCloseCodeStopsTheClientAndRefusedOrBadTargetsFailClearly() throws Exception {
    StandaloneServer server =
        TestServers.start(Map.of("auth.required", "true", "auth.hmac-secret", Tokens.SECRET));
    try {
      ClientEvents events = new ClientEvents();
      SwitchboardClient client =
          SwitchboardClient.builder(server.wsUri().resolve("/ws"))
              .token("not-a-jwt")
              .listener(events)
              .build();
      assertThatThrownBy(() -> client.connect().get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(
              SwitchboardException.class, e -> assertThat(e.errorCode()).isEqualTo(116));
      assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
      assertThat(events.seen).noneMatch(e -> e.startsWith("reconnecting"));
      client.close();

      String token =
          Tokens.hs256(
              Tokens.claims(
                  "u",
                  Instant.now().plusSeconds(600),
                  Map.of("*", List.of("subscribe", "publish"))));
      try (SwitchboardClient ok =
          SwitchboardClient.builder(server.wsUri().resolve("/ws")).token(token).build()) {
        ok.connect().get(10, TimeUnit.SECONDS);
        assertThat(ok.publish("news", "{\"a\":1}").get(10, TimeUnit.SECONDS))
            .as("news keeps no history: no position")
            .isEqualTo(new Reply(0, ""));
      }
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
    // A port bound but not listening refuses every connection, and stays ours while it is held.
    try (Socket notListening = new Socket()) {
      notListening.bind(new InetSocketAddress("127.0.0.1", 0));
      int closedPort = notListening.getLocalPort();
      java.util.concurrent.BlockingQueue<Throwable> failures =
          new java.util.concurrent.LinkedBlockingQueue<>();
      SwitchboardClient refused =
          SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + closedPort + "/ws"))
              .listener(
                  new ConnectionListener() {
                    @Override
                    public void onFailure(Throwable cause) {
                      failures.add(cause);
                    }
                  })
              .build();
      assertThatThrownBy(() -> refused.connect().get(15, TimeUnit.SECONDS))
          .hasMessageContaining("cannot connect to ws://127.0.0.1:" + closedPort);
      Throwable failure = failures.poll(10, TimeUnit.SECONDS);
      assertThat(failure)
          .as("the failure callback hears the refused handshake, with what caused it")
          .isInstanceOf(SwitchboardException.class)
          .hasMessageContaining("cannot connect to ws://127.0.0.1:" + closedPort)
          .hasCauseInstanceOf(Exception.class);
      // A first handshake that failed leaves the client where it started: connect() may be tried
      // again.
      assertThat(refused.state()).isEqualTo(ConnectionState.IDLE);
      refused.close();
    }
    assertThatThrownBy(() -> SwitchboardClient.builder(URI.create("http://example.com/ws")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ws://");
  }

  @Test
  void publishesWhileDisconnectedWaitThenFailAfterTheirTimeout() throws Exception {
    StandaloneServer server = TestServers.start(HISTORY);
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      ClientRecorder recorder = new ClientRecorder();
      try (SwitchboardClient client =
          SwitchboardClient.builder(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
              .backoff(Duration.ofMillis(50), Duration.ofMillis(100))
              .requestTimeout(Duration.ofMillis(800))
              .connectTimeout(Duration.ofSeconds(1))
              .maxPendingPublishes(2)
              .build()) {
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribe("e2e:queued", recorder);
        recorder.nextSubscribed();

        proxy.refuse(true);
        proxy.cutAll();
        await().until(() -> client.state() != ConnectionState.CONNECTED);
        var first = client.publish("e2e:queued", "1");
        var second = client.publish("e2e:queued", "2");
        var third = client.publish("e2e:queued", "3");
        assertThatThrownBy(() -> third.get(5, TimeUnit.SECONDS))
            .hasMessageContaining("2 publishes already wait");
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS))
            .hasMessageContaining("publish timed out after 800 ms");
        assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS))
            .isInstanceOf(java.util.concurrent.ExecutionException.class);

        proxy.refuse(false);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> client.state() == ConnectionState.CONNECTED);
        var later = client.publish("e2e:queued", "4");
        assertThat(later.get(10, TimeUnit.SECONDS).offset()).isEqualTo(1);
        await().until(() -> recorder.messages.size() == 1);
      }
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void binaryPublicationsAndPatternSubscriptionsReachTheListener() throws Exception {
    StandaloneServer server = TestServers.start(HISTORY);
    try (SwitchboardClient client =
        SwitchboardClient.builder(server.wsUri().resolve("/ws")).build()) {
      client.connect().get(10, TimeUnit.SECONDS);
      ClientRecorder all = new ClientRecorder();
      ClientRecorder one = new ClientRecorder();
      client.subscribe("e2e:*", all);
      client.subscribe("e2e:bin", one);
      all.nextSubscribed();
      one.nextSubscribed();
      client.publishBinary("e2e:bin", new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS);
      client.publish("e2e:other", "\"x\"").get(10, TimeUnit.SECONDS);
      await().until(() -> all.messages.size() == 2 && one.messages.size() == 1);
      assertThat(one.messages.get(0).bytes()).containsExactly(1, 2, 3);
      assertThat(one.messages.get(0).offset()).isEqualTo(1);
      assertThat(all.messages).extracting(Message::channel).containsExactly("e2e:bin", "e2e:other");
      History history = client.history("e2e:other", 10).get(10, TimeUnit.SECONDS);
      assertThat(history.publications())
          .extracting(Message::channel, Message::offset, Message::json)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("e2e:other", 1L, "\"x\""));
      assertThat(history.offset()).isEqualTo(1);
      assertThat(history.epoch()).isNotEmpty();
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  /**
   * The hub pushes a connect grant's subscriptions as soon as the handshake is done when no token
   * is needed. Tyrus hands a frame that follows the 101 straight to the client's endpoint on its
   * own thread, often before the handshake's future completes on another: such a push must wait for
   * the connection, not be dropped as an event of none (ProxyGrantsTest missed one under load).
   * Each connection here gets its push right behind the 101; a few, as the order is up to the
   * threads.
   */
  @Test
  void aServerSubscriptionPushedRightBehindTheHandshakeIsNeverMissed() throws Exception {
    try (ScriptedWsServer server = new ScriptedWsServer()) {
      for (int i = 0; i < 20; i++) {
        ClientRecorder granted = new ClientRecorder();
        try (SwitchboardClient client =
            SwitchboardClient.builder(server.uri()).serverSubscriptions(granted).build()) {
          var connected = client.connect();
          server.accept(
              "{\"channel\":\"c\",\"subscribe\":{\"offset\":1,\"epoch\":\"e\"}}",
              "{\"channel\":\"c\",\"data\":{\"n\":" + i + "},\"offset\":2,\"epoch\":\"e\"}");
          connected.get(10, TimeUnit.SECONDS);
          assertThat(granted.nextSubscribed()).as("connection " + i).isEqualTo("recovered");
          await().until(() -> granted.messages.size() == 1);
          assertThat(granted.messages.get(0).json()).isEqualTo("{\"n\":" + i + "}");
        }
      }
    }
  }

  @Test
  void anUnsubscribePushEndsTheSubscriptionTellsItsListenerAndItIsNotRenewedOnReconnect()
      throws Exception {
    try (ScriptedWsServer server = new ScriptedWsServer();
        SwitchboardClient client =
            SwitchboardClient.builder(server.uri())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(50))
                .build()) {
      var connected = client.connect();
      server.accept();
      connected.get(10, TimeUnit.SECONDS);
      ClientRecorder news = new ClientRecorder();
      ClientRecorder pattern = new ClientRecorder();
      ClientRecorder lobby = new ClientRecorder();
      Subscription newsSub = client.subscribe("news", news);
      Subscription patternSub = client.subscribe("news:*", pattern);
      Subscription lobbySub = client.subscribe("room:lobby", lobby);
      for (int i = 0; i < 3; i++) {
        server.send("{\"id\":" + server.nextJson().path("id").asLong() + ",\"ok\":true}");
      }
      for (ClientRecorder r : List.of(news, pattern, lobby)) {
        assertThat(r.nextSubscribed()).isEqualTo("recovered");
      }

      server.send(
          "{\"channel\":\"news\",\"unsubscribe\":{\"code\":111,\"message\":\"no longer"
              + " allowed\"}}");
      server.send(
          "{\"channel\":\"news:*\",\"unsubscribe\":{\"code\":111,\"message\":\"no longer"
              + " allowed\"}}");
      server.send("{\"channel\":\"news\",\"data\":\"late\"}");
      server.send("{\"channel\":\"news:flash\",\"data\":\"late\"}");
      server.send("{\"channel\":\"room:lobby\",\"data\":\"marker\"}");
      await()
          .until(() -> lobby.messages.size() == 1); // callbacks run in order: the others came first
      for (ClientRecorder r : List.of(news, pattern)) {
        SwitchboardException reason = r.unsubscribed.poll(10, TimeUnit.SECONDS);
        assertThat(reason).isNotNull();
        assertThat(reason.errorCode()).isEqualTo(111);
        assertThat(reason.getMessage()).isEqualTo("no longer allowed");
        assertThat(r.messages).isEmpty();
      }
      assertThat(newsSub.ended()).isTrue();
      assertThat(patternSub.ended()).isTrue();
      assertThat(lobbySub.ended()).isFalse();
      // Already ended: completes at once; a sent unsubscribe would wait for a reply the script
      // never gives.
      newsSub.unsubscribe().get(10, TimeUnit.SECONDS);

      server.closeWith(1011);
      server.accept();
      // Subscriptions are renewed in the order they were made, so news would have come first.
      JsonNode renewed = server.nextJson();
      assertThat(renewed.path("op").asText()).isEqualTo("subscribe");
      assertThat(renewed.path("channel").asText()).isEqualTo("room:lobby");
      server.send("{\"id\":" + renewed.path("id").asLong() + ",\"ok\":true}");
      assertThat(lobby.nextSubscribed()).isEqualTo("recovered");
    }
  }

  @Test
  void anErrorReplyToConnectFailsTheConnectFutureWithThatErrorInsteadOfHanging() throws Exception {
    StandaloneServer server =
        TestServers.start(Map.of("auth.required", "true", "auth.hmac-secret", Tokens.SECRET));
    try {
      // The README's token(() -> service.fetch()) with a service that has nothing: the server
      // answers error 103 and keeps the socket open.
      try (SwitchboardClient client =
          SwitchboardClient.builder(server.wsUri().resolve("/ws")).token(() -> null).build()) {
        assertThatThrownBy(() -> client.connect().get(10, TimeUnit.SECONDS))
            .cause()
            .isInstanceOfSatisfying(
                SwitchboardException.class,
                e -> {
                  assertThat(e.errorCode()).isEqualTo(103);
                  assertThat(e.getMessage()).isEqualTo("token must be a string");
                });
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
      }
      try (SwitchboardClient client =
          SwitchboardClient.builder(server.wsUri().resolve("/ws"))
              .token(
                  () -> {
                    throw new IllegalStateException("token service down");
                  })
              .build()) {
        assertThatThrownBy(() -> client.connect().get(10, TimeUnit.SECONDS))
            .hasMessageContaining("token service down");
      }
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aConnectThatIsNeverAnsweredFailsAfterTheRequestTimeout() throws Exception {
    try (ScriptedWsServer server = new ScriptedWsServer();
        SwitchboardClient client =
            SwitchboardClient.builder(server.uri())
                .token("t")
                .requestTimeout(Duration.ofMillis(300))
                .build()) {
      var connected = client.connect();
      server.accept();
      assertThat(server.nextJson().path("op").asText()).isEqualTo("connect");
      assertThatThrownBy(() -> connected.get(10, TimeUnit.SECONDS))
          .hasMessageContaining("no reply to connect within 300 ms");
      assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
    }
  }

  @Test
  void historyPresenceJoinsAndLeavesComeBackAsTypedRecords() throws Exception {
    StandaloneServer server =
        TestServers.start(
            Map.of(
                "namespace.room.history.size", "10",
                "namespace.room.history.ttl", "10m",
                "namespace.room.presence", "true",
                "namespace.room.join-leave", "true"));
    try (SwitchboardClient watcher =
            SwitchboardClient.builder(server.wsUri().resolve("/ws")).build();
        SwitchboardClient visitor =
            SwitchboardClient.builder(server.wsUri().resolve("/ws")).build()) {
      watcher.connect().get(10, TimeUnit.SECONDS);
      visitor.connect().get(10, TimeUnit.SECONDS);
      java.util.concurrent.BlockingQueue<String> seen =
          new java.util.concurrent.LinkedBlockingQueue<>();
      ClientRecorder recorder = new ClientRecorder();
      watcher.subscribe(
          "room:a",
          new SubscriptionListener() {
            @Override
            public void onMessage(Message m) {}

            @Override
            public void onSubscribed(boolean recovered, String reason) {
              seen.add("subscribed");
            }

            @Override
            public void onJoin(Member member) {
              seen.add("join " + member.user() + " " + member.info());
            }

            @Override
            public void onLeave(Member member) {
              seen.add("leave " + member.client());
            }
          });
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("subscribed");
      Subscription visit = visitor.subscribe("room:a", recorder);
      assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
      String join = seen.poll(10, TimeUnit.SECONDS);
      assertThat(join).isEqualTo("join null null");

      Presence presence = watcher.presence("room:a").get(10, TimeUnit.SECONDS);
      assertThat(presence.members()).hasSize(2);
      assertThat(presence.members()).allSatisfy(m -> assertThat(m.client()).isNotBlank());

      visitor.publish("room:a", "{\"n\":1}").get(10, TimeUnit.SECONDS);
      visitor.publish("room:a", "[2]").get(10, TimeUnit.SECONDS);
      History history = watcher.history("room:a", 10).get(10, TimeUnit.SECONDS);
      assertThat(history.publications())
          .extracting(Message::offset, Message::json)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1L, "{\"n\":1}"),
              org.assertj.core.groups.Tuple.tuple(2L, "[2]"));
      assertThat(history.publications())
          .allSatisfy(m -> assertThat(m.epoch()).isEqualTo(history.epoch()));
      assertThat(history.offset()).isEqualTo(2);

      visit.unsubscribe().get(10, TimeUnit.SECONDS);
      assertThat(seen.poll(10, TimeUnit.SECONDS)).startsWith("leave ");
      assertThat(watcher.presence("room:a").get(10, TimeUnit.SECONDS).members()).hasSize(1);
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }
}
