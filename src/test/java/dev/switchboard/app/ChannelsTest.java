package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.hub.ClientConnection;
import dev.switchboard.hub.ConnectionPolicy;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.hub.NamespaceOptions;
import dev.switchboard.hub.Namespaces;
import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The application facade on a real hub and memory engine, its users connected with tokens over
 * recording transports. A refusal is proven to publish nothing by publishing a marker after it: the
 * marker must be the next thing the subscriber receives.
 */
class ChannelsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /**
   * The only configured namespace, and namespaces are strict: a channel of any other is refused.
   * {@code room:} keeps history and presence, no join/leave pushes, payloads up to 64 bytes.
   */
  private static final NamespaceOptions ROOM =
      new NamespaceOptions(100, Duration.ofMinutes(5), true, false, true, 64);

  private final ManualClock clock = new ManualClock();
  private final Hub hub;
  private final Channels channels;

  ChannelsTest() throws Exception {
    ConnectionPolicy policy = Tokens.policy(true, clock);
    HubOptions options =
        new HubOptions(
            1 << 20,
            16,
            new Namespaces(NamespaceOptions.plain(), Map.of("room", ROOM), true),
            0,
            policy);
    hub =
        Hub.start(
            options,
            MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)),
            new MemoryPresenceStore(),
            clock);
    channels = Channels.over(hub);
  }

  @AfterEach
  void close() {
    hub.close();
  }

  @Test
  void aPublishReachesASubscriberAtTheOffsetAndEpochItCompletesWith() throws Exception {
    Peer alice = connected("alice");
    alice.subscribe("room:1");

    Published p = await(channels.publish("room:1", "{\"n\":1}"));

    assertThat(p.offset()).isEqualTo(1);
    assertThat(p.epoch()).isNotEmpty();
    assertThat(alice.next())
        .isEqualTo(
            new ServerMessage.Publication("room:1", 1, p.epoch(), new Payload.Json("{\"n\":1}")));
  }

  @Test
  void aChannelWithoutHistoryCompletesWithOffsetZeroAndNoEpoch() throws Exception {
    Peer alice = connected("alice");
    alice.subscribe("news");

    assertThat(await(channels.publishBinary("news", new byte[] {1, 2})))
        .isEqualTo(new Published(0, ""));
    assertThat(alice.next())
        .isEqualTo(
            new ServerMessage.Publication("news", 0, "", new Payload.Binary(new byte[] {1, 2})));
  }

  @Test
  void aRepeatedIdempotencyKeyPublishesOnceAndCompletesWithTheFirstPlace() throws Exception {
    Peer alice = connected("alice");
    alice.subscribe("room:1");

    Published first = await(channels.publish("room:1", "1", "order-17"));
    Published again = await(channels.publish("room:1", "2", "order-17"));
    await(channels.publish("room:1", "\"marker\""));

    assertThat(again).isEqualTo(first);
    assertThat(payloadOf(alice.next())).isEqualTo(new Payload.Json("1"));
    assertThat(payloadOf(alice.next())).isEqualTo(new Payload.Json("\"marker\""));
  }

  @Test
  void invalidJsonTextFailsWithMalformedAndPublishesNothing() throws Exception {
    assertRefusedAndNothingPublished(channels.publish("room:1", "{\"n\":"), ErrorCode.MALFORMED);
  }

  @Test
  void twoJsonValuesAreNotOneAndFailWithMalformed() throws Exception {
    assertRefusedAndNothingPublished(channels.publish("room:1", "1 2"), ErrorCode.MALFORMED);
  }

  @Test
  void aBadChannelNameFailsWithBadChannel() throws Exception {
    assertRefusedAndNothingPublished(channels.publish("room:1 x", "1"), ErrorCode.BAD_CHANNEL);
  }

  @Test
  void aChannelOfAnUnknownNamespaceFailsWithBadChannelNamingIt() throws Exception {
    CompletionStage<Published> typo = channels.publish("rooom:1", "1");
    assertRefusedAndNothingPublished(typo, ErrorCode.BAD_CHANNEL);
    assertThatThrownBy(() -> await(typo)).cause().hasMessage("unknown namespace rooom");
    assertFailsWith(channels.publishBinary("rooom:1", new byte[1]), ErrorCode.BAD_CHANNEL);
    assertFailsWith(channels.history("rooom:1", 10, false), ErrorCode.BAD_CHANNEL);
    assertFailsWith(channels.presence("rooom:1"), ErrorCode.BAD_CHANNEL);
  }

  @Test
  void dataOverTheNamespaceLimitFailsWithTooLarge() throws Exception {
    assertRefusedAndNothingPublished(
        channels.publishBinary("room:1", new byte[65]), ErrorCode.TOO_LARGE);
  }

  @Test
  void anIdempotencyKeyOverItsLimitFailsWithBadField() throws Exception {
    assertRefusedAndNothingPublished(
        channels.publish("room:1", "1", "k".repeat(129)), ErrorCode.BAD_FIELD);
  }

  @Test
  void historyIsTypedAndReadNewestFirstWhenReversed() throws Exception {
    await(channels.publish("room:1", "1"));
    Published last = await(channels.publish("room:1", "2"));

    HistoryPage page = await(channels.history("room:1", 10, true));

    assertThat(page)
        .isEqualTo(
            new HistoryPage(
                List.of(
                    new HistoryPage.Entry(2, new Payload.Json("2")),
                    new HistoryPage.Entry(1, new Payload.Json("1"))),
                last));
  }

  @Test
  void historyOfANamespaceWithoutHistoryFailsWithNotEnabled() {
    assertFailsWith(channels.history("news", 10, false), ErrorCode.NOT_ENABLED);
    assertFailsWith(channels.history("news", 0, "e", 10), ErrorCode.NOT_ENABLED);
  }

  @Test
  void historySinceAPositionReturnsThePublicationsAfterItOldestFirst() throws Exception {
    Published last = publishFive();

    HistoryPage page = await(channels.history("room:1", 2, last.epoch(), 10));

    assertThat(page)
        .isEqualTo(
            new HistoryPage(
                List.of(
                    new HistoryPage.Entry(3, new Payload.Json("3")),
                    new HistoryPage.Entry(4, new Payload.Json("4")),
                    new HistoryPage.Entry(5, new Payload.Json("5"))),
                last));
  }

  @Test
  void historySinceAPositionHonoursTheLimitFromTheOldest() throws Exception {
    Published last = publishFive();

    assertThat(await(channels.history("room:1", 1, last.epoch(), 2)).entries())
        .containsExactly(
            new HistoryPage.Entry(2, new Payload.Json("2")),
            new HistoryPage.Entry(3, new Payload.Json("3")));
    HistoryPage onlyPosition = await(channels.history("room:1", 1, last.epoch(), 0));
    assertThat(onlyPosition.entries()).isEmpty();
    assertThat(onlyPosition.latest()).isEqualTo(last);
  }

  @Test
  void historySinceTheNewestOffsetIsEmpty() throws Exception {
    Published last = publishFive();

    HistoryPage page = await(channels.history("room:1", 5, last.epoch(), 10));

    assertThat(page).isEqualTo(new HistoryPage(List.of(), last));
  }

  @Test
  void historySinceAPositionOfAnotherEpochOrAheadFailsWithBadPositionAsTheProtocol()
      throws Exception {
    Published last = publishFive();

    CompletionStage<HistoryPage> otherEpoch = channels.history("room:1", 2, "not-the-epoch", 10);
    assertFailsWith(otherEpoch, ErrorCode.BAD_POSITION);
    assertThatThrownBy(() -> await(otherEpoch)).cause().hasMessageContaining("epoch changed");
    CompletionStage<HistoryPage> ahead = channels.history("room:1", 6, last.epoch(), 10);
    assertFailsWith(ahead, ErrorCode.BAD_POSITION);
    assertThatThrownBy(() -> await(ahead)).cause().hasMessageContaining("ahead");
  }

  @Test
  void historySinceAPositionNoLongerKeptFailsWithBadPosition() throws Exception {
    Published first = await(channels.publish("room:1", "1"));
    clock.advance(ROOM.historyTtl().plusSeconds(1));
    Published second = await(channels.publish("room:1", "2"));
    Published third = await(channels.publish("room:1", "3"));
    assertThat(second.epoch()).isEqualTo(first.epoch());

    CompletionStage<HistoryPage> trimmed = channels.history("room:1", 0, first.epoch(), 10);
    assertFailsWith(trimmed, ErrorCode.BAD_POSITION);
    assertThatThrownBy(() -> await(trimmed)).cause().hasMessageContaining("fell out");
    assertThat(await(channels.history("room:1", 1, first.epoch(), 10)).entries())
        .extracting(HistoryPage.Entry::offset)
        .containsExactly(second.offset(), third.offset());
  }

  @Test
  void historySinceWithBadArgumentsFails() throws Exception {
    Published last = publishFive();

    assertFailsWith(channels.history("room:1", -1, last.epoch(), 10), ErrorCode.BAD_FIELD);
    assertFailsWith(channels.history("room:1", 2, last.epoch(), -1), ErrorCode.BAD_FIELD);
    assertFailsWith(channels.history("room:1 x", 2, last.epoch(), 10), ErrorCode.BAD_CHANNEL);
    assertFailsWith(channels.history("rooom:1", 2, last.epoch(), 10), ErrorCode.BAD_CHANNEL);
  }

  private Published publishFive() throws Exception {
    Published last = null;
    for (int i = 1; i <= 5; i++) {
      last = await(channels.publish("room:1", Integer.toString(i)));
    }
    assertThat(last.offset()).isEqualTo(5);
    return last;
  }

  @Test
  void presenceListsTheSubscribedConnectionsWithTheirUsers() throws Exception {
    Peer alice = connected("alice");
    alice.subscribe("room:1");

    assertThat(await(channels.presence("room:1")))
        .containsExactly(new Member(alice.connection.id(), "alice", null));
  }

  @Test
  void disconnectUserClosesEveryConnectionOfThatUserAndNoOther() throws Exception {
    Peer alice1 = connected("alice");
    Peer alice2 = connected("alice");
    Peer bob = connected("bob");

    await(channels.disconnectUser("alice", CloseCode.UNAUTHORIZED, "account suspended"));

    assertThat(alice1.transport.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(CloseCode.UNAUTHORIZED);
    assertThat(alice2.transport.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(CloseCode.UNAUTHORIZED);
    assertThat(bob.transport.closed).isNotDone();
    assertThat(bob.connection.isOpen()).isTrue();
  }

  @Test
  void unsubscribeUserPushesUnsubscribeAndStopsThatUsersDeliveriesOnly() throws Exception {
    Peer alice = connected("alice");
    Peer bob = connected("bob");
    alice.subscribe("room:1");
    bob.subscribe("room:1");

    await(channels.unsubscribeUser("alice", "room:1", "removed from the room"));

    assertThat(alice.next())
        .isEqualTo(new ServerMessage.Unsubscribed("room:1", 111, "removed from the room"));
    Published p = await(channels.publish("room:1", "1"));
    assertThat(bob.next())
        .isEqualTo(
            new ServerMessage.Publication("room:1", p.offset(), p.epoch(), new Payload.Json("1")));
    // The next thing alice hears is her new subscription's reply, not the publication.
    alice.subscribe("room:2");
    assertThat(alice.connection.subscriptions()).containsExactly("room:2");
  }

  private void assertRefusedAndNothingPublished(CompletionStage<Published> stage, ErrorCode code)
      throws Exception {
    Peer alice = connected("alice");
    alice.subscribe("room:1");
    assertFailsWith(stage, code);
    await(channels.publish("room:1", "\"marker\""));
    ServerMessage first = alice.next();
    assertThat(payloadOf(first)).isEqualTo(new Payload.Json("\"marker\""));
    assertThat(((ServerMessage.Publication) first).offset()).isEqualTo(1);
  }

  private static void assertFailsWith(CompletionStage<?> stage, ErrorCode code) {
    assertThatThrownBy(() -> stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ChannelException.class)
        .satisfies(e -> assertThat(((ChannelException) e).code()).isEqualTo(code));
  }

  private static Payload payloadOf(ServerMessage m) {
    assertThat(m).isInstanceOf(ServerMessage.Publication.class);
    return ((ServerMessage.Publication) m).payload();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private Peer connected(String user) throws Exception {
    RecordingTransport transport = new RecordingTransport();
    Peer peer = new Peer(hub.open(transport), transport);
    String token =
        Tokens.hs256(
            Tokens.claims(
                user,
                clock.instant().plus(Duration.ofMinutes(5)),
                Map.of("room:*", List.of("subscribe"), "news", List.of("subscribe"))));
    peer.connection.onText("{\"id\":1,\"op\":\"connect\",\"token\":\"" + token + "\"}");
    assertThat(peer.next()).isInstanceOf(ServerMessage.Ok.class);
    return peer;
  }

  /** A connection of the hub and what it was sent. */
  private static final class Peer {
    private static final ServerMessageDecoder DECODER = new ServerMessageDecoder();
    final ClientConnection connection;
    final RecordingTransport transport;
    private long nextId = 2;

    Peer(ClientConnection connection, RecordingTransport transport) {
      this.connection = connection;
      this.transport = transport;
    }

    void subscribe(String channel) throws Exception {
      long id = nextId++;
      connection.onText("{\"id\":" + id + ",\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
      assertThat(next()).isInstanceOf(ServerMessage.Ok.class);
    }

    /** The next message sent to this connection, waiting for it up to {@link #WAIT}. */
    ServerMessage next() throws InterruptedException {
      QueuedFrame frame = transport.sent.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(frame).as("a message within " + WAIT).isNotNull();
      if (frame instanceof QueuedFrame.Text t) {
        return DECODER.decode(t.text());
      }
      return DECODER.decodeBinary(((QueuedFrame.Binary) frame).view());
    }
  }

  /** Completes every send at once and keeps the frames. */
  private static final class RecordingTransport implements Transport {
    final BlockingQueue<QueuedFrame> sent = new LinkedBlockingQueue<>();
    final CompletableFuture<CloseCode> closed = new CompletableFuture<>();

    @Override
    public void send(QueuedFrame frame, SendCallback done) {
      sent.add(frame);
      done.completed(null);
    }

    @Override
    public void ping() {}

    @Override
    public void close(CloseCode code, String reason) {
      closed.complete(code);
    }
  }
}
