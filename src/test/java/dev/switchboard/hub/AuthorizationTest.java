package dev.switchboard.hub;

import static dev.switchboard.hub.HubHarness.assertSubscribedAt;
import static dev.switchboard.testing.WsClient.assertErrorReply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Leave;
import dev.switchboard.protocol.ServerMessage.Member;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Position;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.protocol.ServerMessage.Session;
import dev.switchboard.protocol.ServerMessage.Unsubscribed;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens, permissions, pattern subscriptions and the periodic sweep, on the hub core. */
class AuthorizationTest {
  private final ManualClock clock = new ManualClock();

  /** Holds history reads on request, so a subscription can be caught while it is set up. */
  private final RecoveryTest.HeldHistoryBroker broker =
      new RecoveryTest.HeldHistoryBroker(MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)));

  private final HubHarness h;
  private final Hub hub;
  private final long start = clock.nanoTime();

  AuthorizationTest() throws Exception {
    ConnectionPolicy policy = Tokens.policy(true, clock);
    h =
        new HubHarness(
            new HubOptions(
                1 << 20,
                16,
                new Namespaces(NamespaceOptions.plain(), Map.of("room", HubHarness.HISTORY)),
                0,
                policy),
            broker,
            clock);
    hub = h.hub;
  }

  @AfterEach
  void close() {
    h.close();
  }

  private HubHarness.Client connect() {
    return h.connect();
  }

  private String token(String user, Duration ttl, Map<String, List<String>> channels) {
    return Tokens.hs256(Tokens.claims(user, clock.instant().plus(ttl), channels));
  }

  /** The reply to a connect or refresh {@code id} of {@code c} by {@code user}, expiring then. */
  private static Ok session(HubHarness.Client c, long id, String user, Instant expires) {
    Session session = new Session(c.connection.id(), user, expires.getEpochSecond());
    return new Ok(id, null, null, session, null, null);
  }

  /** Moves the clock to {@code sinceStart} after the test began, then sweeps. */
  private void sweepAt(Duration sinceStart) {
    clock.advance(Duration.ofNanos(start + sinceStart.toNanos() - clock.nanoTime()));
    hub.sweep();
  }

  @Test
  void nothingButConnectAndPingBeforeATokenWhenAuthIsRequired() {
    HubHarness.Client c = connect();
    c.command(id -> new Command.Subscribe(id, "room:1"));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.UNAUTHORIZED);
    c.command(id -> new Command.Ping(id));
    assertThat(c.takeMessage()).isEqualTo(Ok.of(c.lastId()));

    c.command(
        id ->
            new Command.Connect(
                id,
                token(
                    "alice",
                    Duration.ofMinutes(5),
                    Map.of("room:*", List.of("subscribe", "presence")))));
    assertThat(c.takeMessage())
        .isEqualTo(session(c, c.lastId(), "alice", clock.instant().plusSeconds(300)));
    c.command(id -> new Command.Subscribe(id, "room:1"));
    assertSubscribedAt(c.takeMessage(), c.lastId(), 0);
  }

  @Test
  void capabilitiesAreCheckedPerChannelAndRefusalsCounted() {
    HubHarness.Client c = connect();
    c.command(
        id ->
            new Command.Connect(
                id,
                token(
                    "bob",
                    Duration.ofMinutes(5),
                    Map.of("room:*", List.of("subscribe"), "news", List.of("publish")))));
    c.takeMessages();
    c.command(id -> new Command.Subscribe(id, "other"));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN);
    c.command(id -> new Command.Publish(id, "room:1", new Payload.Json("1")));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN);
    c.command(id -> new Command.History(id, "room:1", null, Command.History.ALL, false));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN);
    c.command(id -> new Command.Presence(id, "room:1"));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.FORBIDDEN);
    c.command(id -> new Command.Publish(id, "news", new Payload.Json("1")));
    assertThat(c.takeMessage()).isEqualTo(Ok.of(c.lastId()));
    assertThat(hub.metrics().errors(ErrorCode.FORBIDDEN)).isEqualTo(4);
  }

  @Test
  void theTokensUserAppearsInPresence() {
    HubHarness.Client c = connect();
    c.command(
        id ->
            new Command.Connect(
                id,
                token(
                    "carol",
                    Duration.ofMinutes(5),
                    Map.of("room:*", List.of("subscribe", "presence")))));
    c.command(id -> new Command.Subscribe(id, "room:p"));
    c.command(id -> new Command.Presence(id, "room:p"));
    Member carol = new Member(c.connection.id(), "carol", null);
    assertThat(c.takeMessages().get(2))
        .isEqualTo(new Ok(c.lastId(), null, null, null, null, List.of(carol)));
  }

  @Test
  void aBadTokenIsAnsweredAndClosesWithTheFinal4500() {
    HubHarness.Client bad = connect();
    bad.command(
        id ->
            new Command.Connect(
                id,
                Tokens.hs256(
                    Tokens.claims("x", clock.instant().plusSeconds(60), null),
                    "a-different-secret-that-is-32-bytes!!")));
    assertErrorReply(bad.takeMessage(), bad.lastId(), ErrorCode.BAD_TOKEN);
    assertThat(bad.transport.closedWith()).isEqualTo(CloseCode.UNAUTHORIZED);
  }

  @Test
  void anExpiredTokenIsAnsweredAndClosesWith4003ToAskForAFreshOne() {
    String shortLived = token("dave", Duration.ofSeconds(1), Map.of());
    clock.advance(Duration.ofSeconds(2));
    HubHarness.Client late = connect();
    late.command(id -> new Command.Connect(id, shortLived));
    assertErrorReply(late.takeMessage(), late.lastId(), ErrorCode.BAD_TOKEN);
    assertThat(late.transport.closedWith()).isEqualTo(CloseCode.TOKEN_EXPIRED);
  }

  @Test
  void refreshExtendsTheTokenAndExpiryClosesWith4003() {
    HubHarness.Client c = connect();
    c.command(id -> new Command.Connect(id, token("erin", Duration.ofSeconds(30), Map.of())));
    c.takeMessages();
    clock.advance(Duration.ofSeconds(20));
    c.command(id -> new Command.Refresh(id, token("erin", Duration.ofSeconds(60), Map.of())));
    assertThat(c.takeMessage())
        .isEqualTo(session(c, c.lastId(), "erin", clock.instant().plusSeconds(60)));
    c.command(id -> new Command.Refresh(id, token("mallory", Duration.ofSeconds(600), Map.of())));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.BAD_TOKEN);

    clock.advance(Duration.ofSeconds(30));
    hub.sweep();
    assertThat(c.transport.closedWith()).isNull(); // refreshed: still valid
    c.connection.onPong(); // the sweep pinged it (quiet for 30 s); it is alive
    clock.advance(Duration.ofSeconds(30));
    hub.sweep();
    assertThat(c.transport.closedWith()).as("expires at 80 s, not before").isNull();
    clock.advance(Duration.ofSeconds(1));
    hub.sweep();
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.TOKEN_EXPIRED);
    assertThat(hub.metrics().closes(4003)).isEqualTo(1);
  }

  @Test
  void aConnectionThatNeverPresentsATokenIsClosedAfterTheAuthTimeout() {
    HubHarness.Client c = connect();
    sweepAt(Duration.ofSeconds(5));
    assertThat(c.transport.closedWith()).as("the timeout is 5 s").isNull();
    sweepAt(Duration.ofSeconds(5).plusNanos(1));
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.UNAUTHORIZED);
  }

  @Test
  void aQuietConnectionIsPingedAndClosedWhenNoPongComes() {
    HubHarness.Client c = connect();
    c.command(id -> new Command.Connect(id, token("f", Duration.ofHours(1), Map.of())));
    sweepAt(Duration.ofSeconds(25));
    assertThat(c.transport.pings()).as("quiet for the ping interval, not more").isZero();
    sweepAt(Duration.ofSeconds(26));
    assertThat(c.transport.pings()).isEqualTo(1);
    c.connection.onPong(); // alive, at 26 s
    sweepAt(Duration.ofSeconds(51));
    assertThat(c.transport.pings()).isEqualTo(1);
    sweepAt(Duration.ofSeconds(52)); // pings again...
    assertThat(c.transport.pings()).isEqualTo(2);
    sweepAt(Duration.ofSeconds(62));
    assertThat(c.transport.closedWith()).as("the pong timeout is 10 s").isNull();
    sweepAt(Duration.ofSeconds(63)); // ...and nothing came back within the pong timeout
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.IDLE_TIMEOUT);
  }

  @Test
  void aPatternSubscriptionReceivesEveryMatchingChannelLiveOnly() {
    HubHarness.Client c = connect();
    c.command(
        id ->
            new Command.Connect(
                id,
                token(
                    "g",
                    Duration.ofHours(1),
                    Map.of(
                        "orders:*", List.of("subscribe"), "orders:eu:*", List.of("subscribe")))));
    c.command(id -> new Command.Subscribe(id, "orders:*"));
    c.command(id -> new Command.Subscribe(id, "orders:*", new Command.Since(1, "e"), null));
    List<ServerMessage> replies = c.takeMessages();
    assertThat(replies.get(1)).isEqualTo(Ok.of(2));
    assertErrorReply(replies.get(2), 3, ErrorCode.BAD_FIELD);

    hub.publish("orders:eu:1", new Payload.Json("1"), null, null);
    hub.publish("orders:us:2", new Payload.Json("2"), null, null);
    hub.publish("news", new Payload.Json("3"), null, null);
    assertThat(c.takeMessages())
        .containsExactly(
            new Publication("orders:eu:1", 0, "", new Payload.Json("1")),
            new Publication("orders:us:2", 0, "", new Payload.Json("2")));

    c.command(id -> new Command.Unsubscribe(id, "orders:*"));
    c.takeMessages();
    hub.publish("orders:eu:1", new Payload.Json("4"), null, null);
    assertThat(c.takeMessages()).isEmpty();

    HubHarness.Client narrow = connect();
    narrow.command(
        id ->
            new Command.Connect(
                id, token("h", Duration.ofHours(1), Map.of("orders:eu:*", List.of("subscribe")))));
    narrow.command(id -> new Command.Subscribe(id, "orders:*"));
    assertErrorReply(narrow.takeMessages().get(1), narrow.lastId(), ErrorCode.FORBIDDEN);
    narrow.command(id -> new Command.Subscribe(id, "orders:eu:*"));
    assertThat(narrow.takeMessages()).containsExactly(Ok.of(narrow.lastId()));
  }

  /** A token for news, a news pattern and every room; {@link #NARROW} keeps only room:lobby. */
  private static final Map<String, List<String>> BROAD =
      Map.of(
          "news", List.of("subscribe", "publish", "history"),
          "news:*", List.of("subscribe"),
          "room:*", List.of("subscribe", "publish", "history", "presence"));

  private static final Map<String, List<String>> NARROW =
      Map.of("room:lobby", List.of("subscribe", "publish"));

  /** The unsubscribe pushes among {@code messages}, as "channel code". */
  private static List<String> unsubscribed(List<ServerMessage> messages) {
    return messages.stream()
        .filter(Unsubscribed.class::isInstance)
        .map(m -> ((Unsubscribed) m).channel() + " " + ((Unsubscribed) m).code())
        .toList();
  }

  @Test
  void aRefreshToANarrowerTokenEndsWhatItNoLongerAllowsAndLaterCommandsAreCheckedAgainstIt() {
    HubHarness.Client watcher = connect();
    watcher.command(id -> new Command.Connect(id, token("watcher", Duration.ofHours(1), BROAD)));
    watcher.command(id -> new Command.Subscribe(id, "room:vip"));
    HubHarness.Client c = connect();
    c.command(id -> new Command.Connect(id, token("ivy", Duration.ofHours(1), BROAD)));
    for (String channel : List.of("news", "news:*", "room:vip", "room:lobby")) {
      c.command(id -> new Command.Subscribe(id, channel));
    }
    assertThat(c.takeMessages()).hasSize(5).allMatch(Ok.class::isInstance);
    watcher.takeMessages();

    long refresh =
        c.command(id -> new Command.Refresh(id, token("ivy", Duration.ofHours(2), NARROW)));
    List<ServerMessage> frames = c.takeMessages();
    assertThat(frames).hasSize(4);
    assertThat(unsubscribed(frames))
        .containsExactlyInAnyOrder("news 111", "news:* 111", "room:vip 111");
    assertThat(frames.get(3))
        .as("the reply comes after the pushes")
        .isEqualTo(session(c, refresh, "ivy", clock.instant().plus(Duration.ofHours(2))));
    assertThat(((Unsubscribed) frames.get(0)).message()).contains("subscribe");
    assertThat(c.connection.subscriptions()).containsExactly("room:lobby");
    assertThat(watcher.takeMessages())
        .containsExactly(new Leave("room:vip", new Member(c.connection.id(), "ivy", null)));

    hub.publish("news", new Payload.Json("1"), null, null);
    hub.publish("news:flash", new Payload.Json("2"), null, null);
    hub.publish("room:vip", new Payload.Json("3"), null, null);
    PublishResult lobby =
        hub.publish("room:lobby", new Payload.Json("4"), null, null).toCompletableFuture().join();
    assertThat(c.takeMessages())
        .containsExactly(
            new Publication("room:lobby", lobby.offset(), lobby.epoch(), new Payload.Json("4")));
    assertThat(hub.subscriberCount("news")).isZero();

    for (LongFunction<Command> command :
        List.<LongFunction<Command>>of(
            id -> new Command.Publish(id, "news", new Payload.Json("1")),
            id -> new Command.History(id, "news", null, Command.History.ALL, false),
            id -> new Command.History(id, "room:lobby", null, Command.History.ALL, false),
            id -> new Command.Presence(id, "room:vip"),
            id -> new Command.Subscribe(id, "news"))) {
      long id = c.command(command);
      assertErrorReply(c.takeMessage(), id, ErrorCode.FORBIDDEN);
    }
    c.command(id -> new Command.Unsubscribe(id, "news"));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.NOT_SUBSCRIBED);
    long allowed = c.command(id -> new Command.Publish(id, "room:lobby", new Payload.Json("5")));
    List<ServerMessage> last = c.takeMessages();
    assertThat(last).hasSize(2); // the reply and, as c is subscribed, the publication
    Position position = new Position(lobby.offset() + 1, lobby.epoch());
    assertThat(last).contains(new Ok(allowed, position, null, null, null, null));
  }

  @Test
  void aRefreshThatAllowsEverySubscriptionEndsNone() {
    HubHarness.Client c = connect();
    c.command(id -> new Command.Connect(id, token("jo", Duration.ofHours(1), BROAD)));
    c.command(id -> new Command.Subscribe(id, "room:lobby"));
    String epoch = assertSubscribedAt(c.takeMessages().get(1), c.lastId(), 0);
    c.command(id -> new Command.Refresh(id, token("jo", Duration.ofHours(2), NARROW)));
    assertThat(c.takeMessage())
        .isEqualTo(session(c, c.lastId(), "jo", clock.instant().plus(Duration.ofHours(2))));
    hub.publish("room:lobby", new Payload.Json("1"), null, null);
    assertThat(c.takeMessage())
        .isEqualTo(new Publication("room:lobby", 1, epoch, new Payload.Json("1")));
  }

  @Test
  void aRefusedRefreshKeepsTheOldTokensSubscriptionsAndGrants() {
    HubHarness.Client c = connect();
    c.command(id -> new Command.Connect(id, token("kim", Duration.ofHours(1), BROAD)));
    c.command(id -> new Command.Subscribe(id, "news"));
    c.takeMessages();
    c.command(id -> new Command.Refresh(id, token("mallory", Duration.ofHours(2), NARROW)));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.BAD_TOKEN);
    c.command(
        id ->
            new Command.Refresh(
                id,
                Tokens.hs256(
                    Tokens.claims("kim", clock.instant().plusSeconds(60), NARROW),
                    "a-different-secret-that-is-32-bytes!!")));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.BAD_TOKEN);

    hub.publish("news", new Payload.Json("1"), null, null);
    assertThat(c.takeMessage()).isEqualTo(new Publication("news", 0, "", new Payload.Json("1")));
    // Still allowed (not 106), but news keeps no history.
    c.command(id -> new Command.History(id, "news", null, Command.History.ALL, false));
    assertErrorReply(c.takeMessage(), c.lastId(), ErrorCode.NOT_ENABLED);
    assertThat(c.transport.closedWith()).isNull();
  }

  @Test
  void aSubscriptionStillBeingSetUpWhenTheTokenNarrowsIsEndedRightAfterItsReply() {
    HubHarness.Client c = connect();
    c.command(id -> new Command.Connect(id, token("lee", Duration.ofHours(1), BROAD)));
    c.takeMessages();
    broker.hold();
    long subscribe = c.command(id -> new Command.Subscribe(id, "room:vip"));
    long refresh =
        c.command(id -> new Command.Refresh(id, token("lee", Duration.ofHours(2), NARROW)));
    assertThat(c.takeMessage())
        .isEqualTo(session(c, refresh, "lee", clock.instant().plus(Duration.ofHours(2))));
    hub.publish(
        "room:vip", new Payload.Json("1"), null, null); // buffered by the pending subscription

    broker.releaseWithExtra();
    List<ServerMessage> frames = c.takeMessages();
    assertThat(frames).hasSize(2);
    assertSubscribedAt(frames.get(0), subscribe, 1);
    assertThat(unsubscribed(frames.subList(1, 2))).containsExactly("room:vip 111");
    hub.publish("room:vip", new Payload.Json("2"), null, null);
    assertThat(c.takeMessages()).isEmpty();
    assertThat(hub.subscriberCount("room:vip")).isZero();
  }
}
