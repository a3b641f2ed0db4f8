package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.auth.TokenVerifier;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens, permissions, pattern subscriptions and the periodic sweep, on the hub core. */
class AuthorizationTest {
  private final ManualClock clock = new ManualClock();

  /** Holds history reads on request, so a subscription can be caught while it is set up. */
  private final RecoveryTest.HeldHistoryBroker broker =
      new RecoveryTest.HeldHistoryBroker(new MemoryBroker(clock, Duration.ofHours(1), false));

  private final HubHarness h;
  private final Hub hub;
  private final long start = clock.nanoTime();

  AuthorizationTest() throws Exception {
    TokenVerifier tokens = TokenVerifier.create(Tokens.SECRET, null, "", "", clock);
    ConnectionPolicy policy =
        new ConnectionPolicy(
            true,
            tokens,
            Duration.ofSeconds(5),
            0,
            0,
            Duration.ofSeconds(25),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30));
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

  private static int code(JsonNode reply) {
    return reply.path("error").path("code").asInt();
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
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.UNAUTHORIZED.code());
    c.command(id -> new Command.Ping(id));
    assertThat(c.takeOne().path("ok").asBoolean()).isTrue();

    c.command(
        "\"op\":\"connect\",\"token\":\""
            + token(
                "alice", Duration.ofMinutes(5), Map.of("room:*", List.of("subscribe", "presence")))
            + "\"");
    JsonNode connected = c.takeOne();
    assertThat(connected.path("user").asText()).isEqualTo("alice");
    assertThat(connected.path("client").asText()).isEqualTo(c.connection.id());
    assertThat(connected.path("expires").asLong())
        .isEqualTo(clock.instant().plusSeconds(300).getEpochSecond());
    c.command(id -> new Command.Subscribe(id, "room:1"));
    assertThat(c.takeOne().path("ok").asBoolean()).isTrue();
  }

  @Test
  void capabilitiesAreCheckedPerChannelAndRefusalsCounted() {
    HubHarness.Client c = connect();
    c.command(
        "\"op\":\"connect\",\"token\":\""
            + token(
                "bob",
                Duration.ofMinutes(5),
                Map.of("room:*", List.of("subscribe"), "news", List.of("publish")))
            + "\"");
    c.take();
    c.command(id -> new Command.Subscribe(id, "other"));
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.FORBIDDEN.code());
    c.command(id -> new Command.Publish(id, "room:1", new Payload.Json("1")));
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.FORBIDDEN.code());
    c.command(id -> new Command.History(id, "room:1", null, Command.History.ALL, false));
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.FORBIDDEN.code());
    c.command(id -> new Command.Presence(id, "room:1"));
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.FORBIDDEN.code());
    c.command(id -> new Command.Publish(id, "news", new Payload.Json("1")));
    assertThat(c.takeOne().path("ok").asBoolean()).isTrue();
    assertThat(hub.metrics().errors(ErrorCode.FORBIDDEN)).isEqualTo(4);
  }

  @Test
  void theTokensUserAppearsInPresence() {
    HubHarness.Client c = connect();
    c.command(
        "\"op\":\"connect\",\"token\":\""
            + token(
                "carol", Duration.ofMinutes(5), Map.of("room:*", List.of("subscribe", "presence")))
            + "\"");
    c.command(id -> new Command.Subscribe(id, "room:p"));
    c.command(id -> new Command.Presence(id, "room:p"));
    List<JsonNode> frames = c.take();
    assertThat(frames.get(2).path("clients").get(0).path("user").asText()).isEqualTo("carol");
  }

  @Test
  void aBadTokenIsAnsweredAndClosesWithTheFinal4500() {
    HubHarness.Client bad = connect();
    bad.command(
        "\"op\":\"connect\",\"token\":\""
            + Tokens.hs256(
                Tokens.claims("x", clock.instant().plusSeconds(60), null),
                "a-different-secret-that-is-32-bytes!!")
            + "\"");
    assertThat(code(bad.takeOne())).isEqualTo(ErrorCode.BAD_TOKEN.code());
    assertThat(bad.transport.closedWith()).isEqualTo(CloseCode.UNAUTHORIZED);
  }

  @Test
  void anExpiredTokenIsAnsweredAndClosesWith4003ToAskForAFreshOne() {
    String shortLived = token("dave", Duration.ofSeconds(1), Map.of());
    clock.advance(Duration.ofSeconds(2));
    HubHarness.Client late = connect();
    late.command("\"op\":\"connect\",\"token\":\"" + shortLived + "\"");
    assertThat(code(late.takeOne())).isEqualTo(ErrorCode.BAD_TOKEN.code());
    assertThat(late.transport.closedWith()).isEqualTo(CloseCode.TOKEN_EXPIRED);
  }

  @Test
  void refreshExtendsTheTokenAndExpiryClosesWith4003() {
    HubHarness.Client c = connect();
    c.command(
        "\"op\":\"connect\",\"token\":\"" + token("erin", Duration.ofSeconds(30), Map.of()) + "\"");
    c.take();
    clock.advance(Duration.ofSeconds(20));
    c.command(
        "\"op\":\"refresh\",\"token\":\"" + token("erin", Duration.ofSeconds(60), Map.of()) + "\"");
    assertThat(c.takeOne().path("expires").asLong())
        .isEqualTo(clock.instant().plusSeconds(60).getEpochSecond());
    c.command(
        "\"op\":\"refresh\",\"token\":\""
            + token("mallory", Duration.ofSeconds(600), Map.of())
            + "\"");
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.BAD_TOKEN.code());

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
    c.command("\"op\":\"connect\",\"token\":\"" + token("f", Duration.ofHours(1), Map.of()) + "\"");
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
        "\"op\":\"connect\",\"token\":\""
            + token(
                "g",
                Duration.ofHours(1),
                Map.of("orders:*", List.of("subscribe"), "orders:eu:*", List.of("subscribe")))
            + "\"");
    c.command(id -> new Command.Subscribe(id, "orders:*"));
    c.command(
        "\"op\":\"subscribe\",\"channel\":\"orders:*\",\"since\":{\"offset\":1,\"epoch\":\"e\"}");
    List<JsonNode> replies = c.take();
    assertThat(replies.get(1).path("ok").asBoolean()).isTrue();
    assertThat(code(replies.get(2))).isEqualTo(ErrorCode.BAD_FIELD.code());

    hub.publish("orders:eu:1", new Payload.Json("1"), null);
    hub.publish("orders:us:2", new Payload.Json("2"), null);
    hub.publish("news", new Payload.Json("3"), null);
    assertThat(c.take())
        .extracting(f -> f.path("channel").asText())
        .containsExactly("orders:eu:1", "orders:us:2");

    c.command(id -> new Command.Unsubscribe(id, "orders:*"));
    c.take();
    hub.publish("orders:eu:1", new Payload.Json("4"), null);
    assertThat(c.take()).isEmpty();

    HubHarness.Client narrow = connect();
    narrow.command(
        "\"op\":\"connect\",\"token\":\""
            + token("h", Duration.ofHours(1), Map.of("orders:eu:*", List.of("subscribe")))
            + "\"");
    narrow.command(id -> new Command.Subscribe(id, "orders:*"));
    assertThat(code(narrow.take().get(1))).isEqualTo(ErrorCode.FORBIDDEN.code());
    narrow.command(id -> new Command.Subscribe(id, "orders:eu:*"));
    assertThat(narrow.take().get(0).path("ok").asBoolean()).isTrue();
  }

  /** A token for news, a news pattern and every room; {@link #NARROW} keeps only room:lobby. */
  private static final Map<String, List<String>> BROAD =
      Map.of(
          "news", List.of("subscribe", "publish", "history"),
          "news:*", List.of("subscribe"),
          "room:*", List.of("subscribe", "publish", "history", "presence"));

  private static final Map<String, List<String>> NARROW =
      Map.of("room:lobby", List.of("subscribe", "publish"));

  private static List<String> unsubscribed(List<JsonNode> frames) {
    return frames.stream()
        .filter(f -> f.has("unsubscribe"))
        .map(f -> f.path("channel").asText() + " " + f.path("unsubscribe").path("code").asInt())
        .toList();
  }

  @Test
  void
      aRefreshToANarrowerTokenEndsTheSubscriptionsItNoLongerAllowsAndChecksLaterCommandsAgainstIt() {
    HubHarness.Client watcher = connect();
    watcher.command(
        "\"op\":\"connect\",\"token\":\"" + token("watcher", Duration.ofHours(1), BROAD) + "\"");
    watcher.command(id -> new Command.Subscribe(id, "room:vip"));
    HubHarness.Client c = connect();
    c.command("\"op\":\"connect\",\"token\":\"" + token("ivy", Duration.ofHours(1), BROAD) + "\"");
    for (String channel : List.of("news", "news:*", "room:vip", "room:lobby")) {
      c.command("\"op\":\"subscribe\",\"channel\":\"" + channel + "\"");
    }
    assertThat(c.take()).allMatch(f -> f.path("ok").asBoolean());
    watcher.take();

    long refresh =
        c.command(
            "\"op\":\"refresh\",\"token\":\"" + token("ivy", Duration.ofHours(2), NARROW) + "\"");
    List<JsonNode> frames = c.take();
    assertThat(unsubscribed(frames))
        .containsExactlyInAnyOrder("news 111", "news:* 111", "room:vip 111");
    assertThat(frames.get(frames.size() - 1).path("id").asLong())
        .as("the reply comes after the pushes")
        .isEqualTo(refresh);
    assertThat(frames.get(frames.size() - 1).path("ok").asBoolean()).isTrue();
    assertThat(frames.get(0).path("unsubscribe").path("message").asText()).contains("subscribe");
    assertThat(c.connection.subscriptions()).containsExactly("room:lobby");
    assertThat(watcher.take())
        .extracting(f -> f.path("leave").path("user").asText())
        .containsExactly("ivy");

    hub.publish("news", new Payload.Json("1"), null);
    hub.publish("news:flash", new Payload.Json("2"), null);
    hub.publish("room:vip", new Payload.Json("3"), null);
    hub.publish("room:lobby", new Payload.Json("4"), null);
    assertThat(c.take()).extracting(f -> f.path("channel").asText()).containsExactly("room:lobby");
    assertThat(hub.subscriberCount("news")).isZero();

    for (String command :
        List.of(
            "\"op\":\"publish\",\"channel\":\"news\",\"data\":1",
            "\"op\":\"history\",\"channel\":\"news\"",
            "\"op\":\"history\",\"channel\":\"room:lobby\"",
            "\"op\":\"presence\",\"channel\":\"room:vip\"",
            "\"op\":\"subscribe\",\"channel\":\"news\"")) {
      c.command(command);
      assertThat(code(c.takeOne())).as(command).isEqualTo(ErrorCode.FORBIDDEN.code());
    }
    c.command(id -> new Command.Unsubscribe(id, "news"));
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.NOT_SUBSCRIBED.code());
    c.command(id -> new Command.Publish(id, "room:lobby", new Payload.Json("5")));
    assertThat(c.take()).anyMatch(f -> f.path("ok").asBoolean());
  }

  @Test
  void aRefreshThatAllowsEverySubscriptionEndsNone() {
    HubHarness.Client c = connect();
    c.command("\"op\":\"connect\",\"token\":\"" + token("jo", Duration.ofHours(1), BROAD) + "\"");
    c.command(id -> new Command.Subscribe(id, "room:lobby"));
    c.take();
    c.command("\"op\":\"refresh\",\"token\":\"" + token("jo", Duration.ofHours(2), NARROW) + "\"");
    assertThat(c.takeOne().path("ok").asBoolean()).isTrue();
    hub.publish("room:lobby", new Payload.Json("1"), null);
    assertThat(c.takeOne().path("data").asInt()).isEqualTo(1);
  }

  @Test
  void aRefusedRefreshKeepsTheOldTokensSubscriptionsAndGrants() {
    HubHarness.Client c = connect();
    c.command("\"op\":\"connect\",\"token\":\"" + token("kim", Duration.ofHours(1), BROAD) + "\"");
    c.command(id -> new Command.Subscribe(id, "news"));
    c.take();
    c.command(
        "\"op\":\"refresh\",\"token\":\"" + token("mallory", Duration.ofHours(2), NARROW) + "\"");
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.BAD_TOKEN.code());
    c.command(
        "\"op\":\"refresh\",\"token\":\""
            + Tokens.hs256(
                Tokens.claims("kim", clock.instant().plusSeconds(60), NARROW),
                "a-different-secret-that-is-32-bytes!!")
            + "\"");
    assertThat(code(c.takeOne())).isEqualTo(ErrorCode.BAD_TOKEN.code());

    hub.publish("news", new Payload.Json("1"), null);
    assertThat(c.takeOne().path("channel").asText()).isEqualTo("news");
    c.command(id -> new Command.History(id, "news", null, Command.History.ALL, false));
    assertThat(code(c.takeOne()))
        .as("still allowed, but news keeps no history")
        .isEqualTo(ErrorCode.NOT_ENABLED.code());
    assertThat(c.transport.closedWith()).isNull();
  }

  @Test
  void aSubscriptionStillBeingSetUpWhenTheTokenNarrowsIsEndedRightAfterItsReply() {
    HubHarness.Client c = connect();
    c.command("\"op\":\"connect\",\"token\":\"" + token("lee", Duration.ofHours(1), BROAD) + "\"");
    c.take();
    broker.hold();
    long subscribe = c.command(id -> new Command.Subscribe(id, "room:vip"));
    long refresh =
        c.command(
            "\"op\":\"refresh\",\"token\":\"" + token("lee", Duration.ofHours(2), NARROW) + "\"");
    assertThat(c.takeOne().path("id").asLong()).isEqualTo(refresh);
    hub.publish("room:vip", new Payload.Json("1"), null); // buffered by the pending subscription

    broker.releaseWithExtra();
    List<JsonNode> frames = c.take();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).path("id").asLong()).isEqualTo(subscribe);
    assertThat(unsubscribed(frames.subList(1, 2))).containsExactly("room:vip 111");
    hub.publish("room:vip", new Payload.Json("2"), null);
    assertThat(c.take()).isEmpty();
    assertThat(hub.subscriberCount("room:vip")).isZero();
  }
}
