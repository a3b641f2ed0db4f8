package dev.switchboard.hub;

import static dev.switchboard.testing.WsClient.assertErrorReply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.Capability;
import dev.switchboard.auth.Identity;
import dev.switchboard.auth.Permissions;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application's {@link Decisions} and {@link dev.switchboard.hooks.HubEventListener} on the hub
 * core: what a refusal looks like to the client, that a refusal leaves nothing behind (proven by
 * the next publication's offset and by subscribers that get nothing), rewrites, failing hooks, and
 * the events of a connection's life in order, each once.
 */
class ApplicationHooksTest {
  /** History, no presence, payloads of at most 64 bytes. */
  private static final NamespaceOptions ROOM =
      new NamespaceOptions(100, Duration.ofMinutes(5), false, false, true, 64);

  private final HubHarness h =
      new HubHarness(
          new HubOptions(
              1 << 20, 16, new Namespaces(NamespaceOptions.plain(), Map.of("room", ROOM))));
  private final Hub hub = h.hub;
  private final List<HubEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    h.close();
  }

  private static Command.Publish publish(long id, String channel, String json) {
    return new Command.Publish(id, channel, new Payload.Json(json));
  }

  /** The offset of a {@code published} reply. */
  private static long offsetOf(ServerMessage reply) {
    assertThat(reply).isInstanceOf(Ok.class);
    ServerMessage.Position position = ((Ok) reply).position();
    assertThat(position).as("a publish reply in a channel with history").isNotNull();
    return position.offset();
  }

  /** Subscribes {@code c} to {@code channel} and reads the reply. */
  private static void subscribe(HubHarness.Client c, String channel) {
    c.command(id -> new Command.Subscribe(id, channel));
    assertThat(c.takeMessage()).isInstanceOf(Ok.class);
  }

  // --- connect ---

  @Test
  void aConnectionTheApplicationRefusesAtOpenIsClosedWith4503AndTheReasonAndIsNeverOpened() {
    hub.listen(events::add);
    hub.decideWith(
        new Decisions() {
          @Override
          public Decision connect(Client client) {
            return Decision.deny("closed for maintenance");
          }
        });
    HubHarness.Client c = h.connect();
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.FORBIDDEN);
    assertThat(c.transport.closeReason()).isEqualTo("closed for maintenance");
    assertThat(CloseCode.isFinal(4503)).as("a refused user does not reconnect").isTrue();
    assertThat(c.connection.isOpen()).isFalse();
    assertThat(hub.connectionCount()).isZero();
    assertThat(hub.metrics().closes(4503)).isEqualTo(1);
    assertThat(events).as("neither Opened nor Closed for a refused connection").isEmpty();
  }

  @Test
  void theConnectDecisionIsAskedOnceWithTheConnectionAsClient() {
    List<Client> asked = new CopyOnWriteArrayList<>();
    hub.decideWith(
        new Decisions() {
          @Override
          public Decision connect(Client client) {
            asked.add(client);
            return Decision.allow();
          }
        });
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Ping(id));
    assertThat(c.takeMessage()).isEqualTo(Ok.of(c.lastId()));
    assertThat(asked).containsExactly(new Client(c.connection.id(), null, null));
  }

  /** A hub that verifies tokens signed with {@link Tokens#SECRET}; required or not. */
  private static HubHarness withTokens(ManualClock clock, boolean required) throws Exception {
    ConnectionPolicy policy = Tokens.policy(required, clock);
    return new HubHarness(
        new HubOptions(1 << 20, 16, Namespaces.only(NamespaceOptions.plain()), 0, policy),
        MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)),
        clock);
  }

  @Test
  void aConnectCommandTheApplicationRefusesGets111ThenTheClose4503() throws Exception {
    ManualClock clock = new ManualClock();
    try (HubHarness auth = withTokens(clock, true)) {
      List<HubEvent> seen = new CopyOnWriteArrayList<>();
      auth.hub.listen(seen::add);
      auth.hub.decideWith(
          new Decisions() {
            @Override
            public Decision connect(Client client) {
              return "mallory".equals(client.user())
                  ? Decision.deny("account suspended")
                  : Decision.allow();
            }
          });
      HubHarness.Client alice = auth.connect();
      HubHarness.Client mallory = auth.connect();
      assertThat(seen).as("nothing until connected where a token is required").isEmpty();

      String aliceToken =
          Tokens.hs256(Tokens.claims("alice", clock.instant().plusSeconds(60), Map.of()));
      alice.command(id -> new Command.Connect(id, aliceToken));
      assertThat(((Ok) alice.takeMessage()).session().user()).isEqualTo("alice");

      String malloryToken =
          Tokens.hs256(Tokens.claims("mallory", clock.instant().plusSeconds(60), Map.of()));
      mallory.command(id -> new Command.Connect(id, malloryToken));
      ServerMessage.ErrorReply refused =
          assertErrorReply(mallory.takeMessage(), mallory.lastId(), ErrorCode.FORBIDDEN);
      assertThat(refused.message()).isEqualTo("account suspended");
      assertThat(mallory.transport.closedWith()).isEqualTo(CloseCode.FORBIDDEN);
      assertThat(mallory.transport.closeReason()).isEqualTo("account suspended");

      assertThat(seen)
          .containsExactly(
              new HubEvent.ConnectionOpened(new Client(alice.connection.id(), "alice", null)));
    }
  }

  // --- subscribe ---

  @Test
  void aRefusedSubscribeGets111WithTheReasonAndSubscribesNothing() {
    hub.decideWith(
        new Decisions() {
          @Override
          public Decision subscribe(Client client, String channel) {
            return channel.equals("room:secret") ? Decision.deny("not for you") : Decision.allow();
          }
        });
    HubHarness.Client c = h.connect();
    HubHarness.Client publisher = h.connect();
    c.command(id -> new Command.Subscribe(id, "room:secret"));
    assertThat(assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN).message())
        .isEqualTo("not for you");
    assertThat(c.connection.subscriptions()).isEmpty();
    assertThat(hub.subscriberCount("room:secret")).isZero();

    publisher.command(id -> publish(id, "room:secret", "1"));
    assertThat(offsetOf(publisher.takeMessage())).isEqualTo(1);
    subscribe(c, "room:open");
    publisher.command(id -> publish(id, "room:open", "2"));
    publisher.takeMessages();
    assertThat(c.takeMessages())
        .as("the refused channel's publication never reached it; the allowed one did")
        .containsExactly(new Publication("room:open", 1, epochOf(c, "room:open"), json("2")));
  }

  private static Payload json(String text) {
    return new Payload.Json(text);
  }

  private String epochOf(HubHarness.Client c, String channel) {
    HubHarness.Client reader = h.connect();
    reader.command(id -> new Command.History(id, channel, null, 0, false));
    ServerMessage.Position position = ((Ok) reader.takeMessage()).position();
    assertThat(position).isNotNull();
    return position.epoch();
  }

  // --- publish ---

  @Test
  void aRefusedPublishGets111AndPublishesNothing() {
    hub.decideWith(
        new Decisions() {
          @Override
          public PublishDecision publish(Client client, String channel, Payload payload) {
            return payload.equals(json("\"spam\""))
                ? PublishDecision.deny("looks like spam")
                : PublishDecision.allow();
          }
        });
    HubHarness.Client subscriber = h.connect();
    subscribe(subscriber, "room:1");
    HubHarness.Client c = h.connect();
    c.command(id -> publish(id, "room:1", "\"spam\""));
    assertThat(assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN).message())
        .isEqualTo("looks like spam");
    c.command(id -> publish(id, "room:1", "\"ham\""));
    assertThat(offsetOf(c.takeMessage())).as("the refused one took no offset").isEqualTo(1);
    assertThat(subscriber.takeMessages())
        .extracting(m -> ((Publication) m).payload())
        .containsExactly(json("\"ham\""));
  }

  @Test
  void aRewrittenPublicationIsPublishedInPlaceOfTheClientsAndTold() {
    hub.listen(events::add);
    hub.decideWith(
        new Decisions() {
          @Override
          public PublishDecision publish(Client client, String channel, Payload payload) {
            return PublishDecision.rewrite(
                json("{\"text\":\"***\",\"by\":\"" + client.user() + "\"}"));
          }
        });
    HubHarness.Client subscriber = h.connect();
    subscribe(subscriber, "room:1");
    HubHarness.Client c = h.connect();
    c.command(id -> publish(id, "room:1", "{\"text\":\"darn\"}"));
    assertThat(offsetOf(c.takeMessage())).isEqualTo(1);
    Payload rewritten = json("{\"text\":\"***\",\"by\":\"null\"}");
    assertThat(subscriber.takeMessages())
        .extracting(m -> ((Publication) m).payload())
        .containsExactly(rewritten);
    assertThat(events)
        .filteredOn(e -> e instanceof HubEvent.ClientPublished)
        .singleElement()
        .satisfies(
            e -> {
              HubEvent.ClientPublished p = (HubEvent.ClientPublished) e;
              assertThat(p.payload()).isEqualTo(rewritten);
              assertThat(p.offset()).isEqualTo(1);
              assertThat(p.client().connectionId()).isEqualTo(c.connection.id());
            });
  }

  @Test
  void aRewriteThatIsNotOneJsonValueOrTooLargeIsRefusedAndPublishesNothing() {
    hub.decideWith(
        new Decisions() {
          @Override
          public PublishDecision publish(Client client, String channel, Payload payload) {
            return switch (((Payload.Json) payload).json()) {
              case "1" -> PublishDecision.rewrite(json("{\"broken\":"));
              case "2" -> PublishDecision.rewrite(json("1 2"));
              case "3" -> PublishDecision.rewrite(json("\"" + "x".repeat(100) + "\""));
              default -> PublishDecision.allow();
            };
          }
        });
    HubHarness.Client c = h.connect();
    for (String sent : List.of("1", "2", "3")) {
      c.command(id -> publish(id, "room:1", sent));
      ServerMessage.ErrorReply e =
          assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.INTERNAL);
      assertThat(e.message()).contains("the application rewrote").contains("nothing was published");
    }
    assertThat(hub.metrics().invalidRewrites()).isEqualTo(3);
    c.command(id -> publish(id, "room:1", "4"));
    assertThat(offsetOf(c.takeMessage())).as("none of the three was published").isEqualTo(1);
  }

  // --- failing hooks ---

  @Test
  void aDecisionThatThrowsRefusesAndIsCounted() {
    hub.decideWith(
        new Decisions() {
          @Override
          public Decision subscribe(Client client, String channel) {
            throw new IllegalStateException("database down");
          }

          @Override
          public PublishDecision publish(Client client, String channel, Payload payload) {
            throw new IllegalStateException("database down");
          }
        });
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Subscribe(id, "room:1"));
    assertThat(assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN).message())
        .isEqualTo("refused by the application");
    c.command(id -> publish(id, "room:1", "1"));
    assertThat(assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN).message())
        .isEqualTo("refused by the application");
    assertThat(c.connection.isOpen()).isTrue();
    assertThat(hub.metrics().hookFailures()).isEqualTo(2);

    hub.decideWith(
        new Decisions() {
          @Override
          public Decision connect(Client client) {
            throw new IllegalStateException("database down");
          }
        });
    HubHarness.Client refused = h.connect();
    assertThat(refused.transport.closedWith()).isEqualTo(CloseCode.FORBIDDEN);
    assertThat(refused.transport.closeReason()).isEqualTo("refused by the application");
    assertThat(hub.metrics().hookFailures()).isEqualTo(3);

    hub.decideWith(Decisions.ALLOW_ALL);
    c.command(id -> publish(id, "room:1", "2"));
    assertThat(offsetOf(c.takeMessage())).as("nothing was published while it threw").isEqualTo(1);
  }

  @Test
  void aListenerThatThrowsBreaksNeitherTheConnectionNorDelivery() {
    hub.listen(
        event -> {
          throw new IllegalStateException("listener bug");
        });
    HubHarness.Client subscriber = h.connect();
    subscribe(subscriber, "room:1");
    HubHarness.Client c = h.connect();
    c.command(id -> publish(id, "room:1", "7"));
    assertThat(offsetOf(c.takeMessage())).isEqualTo(1);
    assertThat(subscriber.takeMessages())
        .extracting(m -> ((Publication) m).payload())
        .containsExactly(json("7"));
    c.connection.close(CloseCode.GOING_AWAY, "bye");
    assertThat(subscriber.connection.isOpen()).isTrue();
    // Opened twice, Subscribed, ClientPublished, Closed: each threw and was counted.
    assertThat(hub.metrics().hookFailures()).isEqualTo(5);
  }

  // --- events ---

  @Test
  void aConnectionsLifeIsToldInOrderEachEventOnce() {
    hub.listen(events::add);
    HubHarness.Client c = h.connect();
    Client me = new Client(c.connection.id(), null, null);
    subscribe(c, "room:1");
    c.command(id -> publish(id, "room:1", "{\"n\":1}"));
    c.takeMessages();
    c.command(id -> new Command.Unsubscribe(id, "room:1"));
    c.takeMessages();
    subscribe(c, "room:2");
    subscribe(c, "news:*");
    String epoch = epochOf(c, "room:1");
    events.removeIf(e -> !e.client().equals(me)); // the reader epochOf opened

    c.connection.onClosed(1000, "bye");
    c.connection.close(CloseCode.GOING_AWAY, "again"); // released already: nothing more
    c.connection.onClosed(1006, "");

    assertThat(events)
        .containsExactly(
            new HubEvent.ConnectionOpened(me),
            new HubEvent.Subscribed(me, "room:1"),
            new HubEvent.ClientPublished(me, "room:1", json("{\"n\":1}"), 1, epoch),
            new HubEvent.Unsubscribed(me, "room:1"),
            new HubEvent.Subscribed(me, "room:2"),
            new HubEvent.Subscribed(me, "news:*"),
            new HubEvent.Unsubscribed(me, "room:2"),
            new HubEvent.Unsubscribed(me, "news:*"),
            new HubEvent.ConnectionClosed(me, 1000, "bye"));
  }

  @Test
  void subscriptionsTheServerEndsAreToldAsUnsubscribed() {
    Identity alice = new Identity("alice", null, Permissions.ALL, Instant.MAX);
    FakeTransport transport = FakeTransport.auto();
    ClientConnection c = hub.open(transport, null, alice);
    hub.listen(events::add);
    c.onText("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"room:1\"}");
    assertThat(hub.unsubscribeUser("alice", "room:1", "removed by an operator")).isEqualTo(1);
    c.close(CloseCode.GOING_AWAY, "done");
    Client me = new Client(c.id(), "alice", null);
    assertThat(events)
        .as("Opened happened before anyone listened: Closed is still told, once")
        .containsExactly(
            new HubEvent.Subscribed(me, "room:1"),
            new HubEvent.Unsubscribed(me, "room:1"),
            new HubEvent.ConnectionClosed(me, CloseCode.GOING_AWAY.code(), "done"));
  }

  @Test
  void aSubscriptionMadeBeforeAnyoneListenedIsNotToldAsUnsubscribed() {
    HubHarness.Client c = h.connect();
    subscribe(c, "room:1");
    hub.listen(events::add);
    c.command(id -> new Command.Unsubscribe(id, "room:1"));
    assertThat(events).isEmpty();
  }

  // --- identities given at open ---

  @Test
  void aContainerIdentityIsConnectedFromTheStartWithItsPermissionsOnly() {
    List<Client> asked = new CopyOnWriteArrayList<>();
    hub.decideWith(
        new Decisions() {
          @Override
          public Decision connect(Client client) {
            asked.add(client);
            return Decision.allow();
          }
        });
    Permissions clerk =
        new Permissions(Map.of("room:*", EnumSet.of(Capability.SUBSCRIBE, Capability.PUBLISH)));
    FakeTransport transport = FakeTransport.auto();
    HubHarness.Client c =
        new HubHarness.Client(
            hub.open(transport, null, new Identity("carol", null, clerk, Instant.MAX)), transport);
    assertThat(c.connection.user()).isEqualTo("carol");
    assertThat(asked).containsExactly(new Client(c.connection.id(), "carol", null));

    c.command(id -> new Command.Subscribe(id, "news"));
    assertThat(assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN).message())
        .isEqualTo("no subscribe permission for news");
    subscribe(c, "room:1");
    c.command(id -> new Command.History(id, "room:1", null, 0, false));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN);

    c.command(id -> new Command.Connect(id, "any"));
    assertThat(assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.BAD_FIELD).message())
        .startsWith("already connected");
    c.command(id -> new Command.Refresh(id, "any"));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.BAD_FIELD);
    assertThat(c.connection.isOpen()).isTrue();
  }

  @Test
  void aHandshakeTokenWinsOverTheContainersUser() throws Exception {
    ManualClock clock = new ManualClock();
    try (HubHarness auth = withTokens(clock, false)) {
      String token =
          Tokens.hs256(
              Tokens.claims(
                  "dave", clock.instant().plusSeconds(60), Map.of("news", List.of("subscribe"))));
      FakeTransport transport = FakeTransport.auto();
      HubHarness.Client c =
          new HubHarness.Client(
              auth.hub.open(
                  transport, token, new Identity("carol", null, Permissions.ALL, Instant.MAX)),
              transport);
      assertThat(c.connection.user()).isEqualTo("dave");
      c.command(id -> new Command.Subscribe(id, "room:1"));
      assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN);
      c.command(id -> new Command.Subscribe(id, "news"));
      assertThat(c.takeMessage()).isEqualTo(Ok.of(c.lastId()));
    }
  }

  @Test
  void whereContainerUsersAreRequiredOthersGetTheDocumentedClose() {
    ManualClock clock = new ManualClock();
    ConnectionPolicy containerOnly =
        new ConnectionPolicy(
            true,
            null,
            Duration.ofSeconds(5),
            0,
            0,
            Duration.ofSeconds(25),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30));
    try (HubHarness war =
        new HubHarness(
            new HubOptions(
                1 << 20, 16, Namespaces.only(NamespaceOptions.plain()), 0, containerOnly),
            MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)),
            clock)) {
      FakeTransport transport = FakeTransport.auto();
      HubHarness.Client user =
          new HubHarness.Client(
              war.hub.open(
                  transport, null, new Identity("erin", null, Permissions.ALL, Instant.MAX)),
              transport);
      HubHarness.Client stranger = war.connect();
      HubHarness.Client silent = war.connect();
      stranger.command(id -> new Command.Subscribe(id, "news"));
      assertErrorReply(stranger.takeMessage(), stranger.lastId(), ErrorCode.UNAUTHORIZED);
      stranger.command(id -> new Command.Connect(id, "a.token.here"));
      assertErrorReply(stranger.takeMessage(), stranger.lastId(), ErrorCode.BAD_TOKEN);
      assertThat(stranger.transport.closedWith()).isEqualTo(CloseCode.UNAUTHORIZED);

      war.sweepAfter(Duration.ofSeconds(6));
      assertThat(silent.transport.closedWith()).isEqualTo(CloseCode.UNAUTHORIZED);
      assertThat(user.connection.isOpen()).as("the container's user has no expiry").isTrue();
      user.command(id -> new Command.Subscribe(id, "news"));
      assertThat(user.takeMessage()).isEqualTo(Ok.of(user.lastId()));
    }
  }

  @Test
  void aSubscriptionEndedBeforeItWasActiveIsToldNeitherSubscribedNorUnsubscribed() {
    ManualClock clock = new ManualClock();
    RecoveryTest.HeldHistoryBroker held =
        new RecoveryTest.HeldHistoryBroker(MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)));
    try (HubHarness slow =
        new HubHarness(
            new HubOptions(
                1 << 20, 16, new Namespaces(NamespaceOptions.plain(), Map.of("room", ROOM))),
            held,
            clock)) {
      slow.hub.listen(events::add);
      HubHarness.Client c = slow.connect();
      Client me = new Client(c.connection.id(), null, null);
      held.hold();
      c.command(id -> new Command.Subscribe(id, "room:1"));
      c.command(id -> new Command.Subscribe(id, "room:2"));
      c.command(id -> new Command.Unsubscribe(id, "room:1")); // while its history read is held
      c.connection.close(CloseCode.GOING_AWAY, "bye"); // room:2 still pending
      held.releaseWithExtra();
      assertThat(events)
          .containsExactly(
              new HubEvent.ConnectionOpened(me),
              new HubEvent.ConnectionClosed(me, CloseCode.GOING_AWAY.code(), "bye"));
    }
  }

  @Test
  void aListenerThatClosesTheConnectionFromInsideAnEventSeesThePairsInOrder() {
    Map<String, ClientConnection> byId = new java.util.concurrent.ConcurrentHashMap<>();
    hub.listen(
        event -> {
          events.add(event);
          ClientConnection of = byId.get(event.client().connectionId());
          if (event instanceof HubEvent.Subscribed && of != null) {
            of.close(CloseCode.GOING_AWAY, "kicked");
          }
        });
    HubHarness.Client c = h.connect();
    byId.put(c.connection.id(), c.connection);
    c.command(id -> new Command.Subscribe(id, "room:1"));
    Client me = new Client(c.connection.id(), null, null);
    assertThat(c.connection.isOpen()).isFalse();
    assertThat(events)
        .containsExactly(
            new HubEvent.ConnectionOpened(me),
            new HubEvent.Subscribed(me, "room:1"),
            new HubEvent.Unsubscribed(me, "room:1"),
            new HubEvent.ConnectionClosed(me, CloseCode.GOING_AWAY.code(), "kicked"));
  }
}
