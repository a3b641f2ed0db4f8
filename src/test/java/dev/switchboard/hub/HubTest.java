package dev.switchboard.hub;

import static dev.switchboard.testing.WsClient.assertErrorReply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.hub.HubHarness.Client;
import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.testing.ManualClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HubTest {
  private HubHarness h =
      new HubHarness(new HubOptions(64 * 1024, 4, Namespaces.only(NamespaceOptions.plain())));
  private Hub hub = h.hub;

  @AfterEach
  void closeHub() {
    h.close();
  }

  /** Replaces the hub with one on {@code options} (and a memory broker). */
  private void restart(HubOptions options) {
    h.close();
    h = new HubHarness(options);
    hub = h.hub;
  }

  /** Replaces the hub with one on {@code broker}. */
  private void restart(dev.switchboard.engine.Broker broker) {
    h.close();
    h = new HubHarness(HubOptions.defaults(), broker, new ManualClock());
    hub = h.hub;
  }

  private Client connect(FakeTransport transport) {
    return h.connect(transport);
  }

  private Client connect() {
    return h.connect();
  }

  @Test
  void subscriberReceivesWhatIsPublishedToItsChannelAndThePublisherGetsItsReply() {
    Client sub = connect();
    Client pub = connect();
    sub.send(new Command.Subscribe(1, "news"));
    // The data's text, space included, is what subscribers get: it is passed on, not re-written.
    String data = "{\"headline\":\"hi\", \"n\":[1,2]}";
    pub.send(new Command.Publish(7, "news", new Payload.Json(data)));

    // The exact text: a plain channel's publication carries no offset or epoch on the wire.
    assertThat(sub.texts())
        .containsExactly("{\"id\":1,\"ok\":true}", "{\"channel\":\"news\",\"data\":" + data + "}");
    assertThat(pub.messages()).containsExactly(Ok.of(7));
    assertThat(hub.metrics().publishes()).isEqualTo(1);
    assertThat(hub.metrics().deliveries()).isEqualTo(3); // two replies and one publication
  }

  @Test
  void aPublicationIsEncodedOnceAndTheSameFrameIsSharedByAllSubscribers() {
    List<Client> subs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Client c = connect();
      c.send(new Command.Subscribe(Command.NO_ID, "news"));
      subs.add(c);
    }
    hub.publish("news", new Payload.Json("42"), null, null);

    QueuedFrame first = subs.get(0).transport.sent().get(0);
    for (Client c : subs) {
      assertThat(c.transport.sent()).hasSize(1);
      assertThat(c.transport.sent().get(0)).isSameAs(first);
    }
  }

  @Test
  void otherChannelsAndUnsubscribedConnectionsReceiveNothing() {
    Client sub = connect();
    sub.send(new Command.Subscribe(1, "a"));
    sub.send(new Command.Unsubscribe(2, "a"));
    hub.publish("a", new Payload.Json("1"), null, null);
    hub.publish("b", new Payload.Json("2"), null, null);

    assertThat(sub.messages()).containsExactly(Ok.of(1), Ok.of(2));
    assertThat(hub.channelCount()).isZero();
  }

  @Test
  void binaryPublishReachesSubscribersAsABinaryEnvelope() {
    Client sub = connect();
    sub.send(new Command.Subscribe(Command.NO_ID, "bin"));
    Client pub = connect();
    pub.connection.onBinary(BinaryEnvelope.encodePublish(9, "bin", new byte[] {1, 2, 3}));

    assertThat(pub.messages()).containsExactly(Ok.of(9));
    QueuedFrame.Binary frame = (QueuedFrame.Binary) sub.transport.sent().get(0);
    ByteBuffer b = frame.view();
    assertThat(b.get()).isEqualTo(BinaryEnvelope.KIND_PUBLICATION);
    assertThat(b.get()).isZero();
    byte[] name = new byte[b.get()];
    b.get(name);
    assertThat(new String(name, StandardCharsets.US_ASCII)).isEqualTo("bin");
    assertThat(b.remaining()).isEqualTo(3);
    assertThat(new byte[] {b.get(), b.get(), b.get()}).containsExactly(1, 2, 3);
  }

  /**
   * A refused frame: the commands sent before it, the frame itself and the code it gets. Frames the
   * encoder cannot write (not JSON, an unknown op, a missing field) are hand-shaped text.
   */
  private record Refusal(String name, List<Command> before, String frame, ErrorCode code) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Refusal> refusals() {
    Command subscribeA = new Command.Subscribe(1, "a");
    return List.of(
        new Refusal("not JSON", List.of(), "not json", ErrorCode.MALFORMED),
        new Refusal("unknown op", List.of(), "{\"id\":7,\"op\":\"dance\"}", ErrorCode.UNKNOWN_OP),
        new Refusal(
            "missing field", List.of(), "{\"id\":7,\"op\":\"subscribe\"}", ErrorCode.BAD_FIELD),
        new Refusal(
            "bad channel name",
            List.of(),
            CommandEncoder.encode(new Command.Subscribe(7, "bad name")),
            ErrorCode.BAD_CHANNEL),
        new Refusal(
            "subscribed twice",
            List.of(subscribeA),
            CommandEncoder.encode(new Command.Subscribe(7, "a")),
            ErrorCode.ALREADY_SUBSCRIBED),
        new Refusal(
            "unsubscribe without subscribe",
            List.of(),
            CommandEncoder.encode(new Command.Unsubscribe(7, "zzz")),
            ErrorCode.NOT_SUBSCRIBED),
        new Refusal(
            "a fifth subscription where four are allowed",
            List.of(
                subscribeA,
                new Command.Subscribe(2, "b"),
                new Command.Subscribe(3, "c"),
                new Command.Subscribe(4, "d")),
            CommandEncoder.encode(new Command.Subscribe(7, "e")),
            ErrorCode.SUBSCRIPTION_LIMIT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aRefusedFrameIsAnsweredWithItsCodeAndCountedAndTheConnectionStaysOpen(Refusal refusal) {
    Client c = connect();
    refusal.before().forEach(c::send);
    int answered = c.texts().size();

    c.send(refusal.frame());

    // A frame whose id could not be read is answered without one.
    long id = refusal.code() == ErrorCode.MALFORMED ? Command.NO_ID : 7;
    assertThat(c.texts()).hasSize(answered + 1);
    assertErrorReply(c.lastMessage(), id, refusal.code());
    assertThat(hub.metrics().errors(refusal.code())).isEqualTo(1);
    assertThat(c.connection.isOpen()).isTrue();
    assertThat(c.transport.closedWith()).isNull();
  }

  @Test
  void aBinaryFrameThatIsNoEnvelopeIsAnsweredAsMalformed() {
    Client c = connect();

    c.connection.onBinary(ByteBuffer.wrap(new byte[] {9}));

    assertThat(c.texts()).hasSize(1);
    assertErrorReply(c.lastMessage(), Command.NO_ID, ErrorCode.MALFORMED);
    assertThat(hub.metrics().errors(ErrorCode.MALFORMED)).isEqualTo(1);
    assertThat(c.connection.isOpen()).isTrue();
  }

  @Test
  void pingIsAnswered() {
    Client c = connect();
    c.send(new Command.Ping(4));
    assertThat(c.messages()).containsExactly(Ok.of(4));
  }

  @Test
  void aSubscriberWhoseSendWaitsPastTheGraceIsClosedAsSlowAndOthersKeepReceiving() {
    restart(new HubOptions(1000, 8, Namespaces.only(NamespaceOptions.plain())));
    FakeTransport stalled = FakeTransport.held(); // never completes a send: a client not reading
    Client slow = connect(stalled);
    Client fast = connect();
    slow.send(new Command.Subscribe(Command.NO_ID, "feed"));
    fast.send(new Command.Subscribe(Command.NO_ID, "feed"));

    String data = "\"" + "x".repeat(80) + "\"";
    for (int i = 0; i < 100; i++) {
      hub.publish("feed", new Payload.Json(data), null, null);
    }
    // Ten times the limit waits, but the send in flight is younger than the grace: a healthy
    // socket may just need a moment for a burst.
    assertThat(stalled.closedWith()).isNull();

    h.sweepAfter(Duration.ofNanos(Outbox.STALL_GRACE_NANOS - 1));
    assertThat(stalled.closedWith()).as("the grace is not over").isNull();
    h.sweepAfter(Duration.ofNanos(1));

    assertThat(stalled.closedWith()).isEqualTo(CloseCode.SLOW_CONSUMER);
    assertThat(slow.connection.isOpen()).isFalse();
    assertThat(slow.connection.queuedBytes()).isLessThanOrEqualTo(Outbox.HARD_FACTOR * 1000L);
    assertThat(fast.messages())
        .hasSize(100)
        .containsOnly(new Publication("feed", 0, "", new Payload.Json(data)));
    assertThat(hub.subscriberCount("feed")).isEqualTo(1);
    assertThat(hub.metrics().closes(CloseCode.SLOW_CONSUMER.code())).isEqualTo(1);
    assertThat(hub.metrics().droppedFrames()).isPositive();
  }

  @Test
  void aSendTheContainerNeverCompletesClosesThatConnectionWith4005AndOthersKeepReceiving() {
    // Below every byte limit: only the send timeout can free this connection.
    FakeTransport lost = FakeTransport.held(); // takes sends and never calls back, like Liberty did
    Client wedged = connect(lost);
    Client fine = connect();
    wedged.send(new Command.Subscribe(Command.NO_ID, "feed"));
    fine.send(new Command.Subscribe(Command.NO_ID, "feed"));
    hub.publish("feed", new Payload.Json("1"), null, null);
    hub.publish("feed", new Payload.Json("2"), null, null);
    assertThat(lost.inFlight()).isEqualTo(1);

    Duration timeout = hub.options().policy().sendTimeout();
    h.sweepAfter(timeout.minusNanos(1));
    assertThat(lost.closedWith()).as("a send may take a while").isNull();

    h.sweepAfter(Duration.ofNanos(1));
    assertThat(lost.closedWith()).isEqualTo(CloseCode.SEND_TIMEOUT);
    assertThat(lost.closeReason()).contains("not completed within 30 s");
    assertThat(wedged.connection.isOpen()).isFalse();
    assertThat(hub.subscriberCount("feed")).isEqualTo(1);
    assertThat(hub.metrics().closes(4005)).isEqualTo(1);
    assertThat(hub.metrics().droppedFrames())
        .as("the frames queued behind the lost send")
        .isPositive();

    hub.publish("feed", new Payload.Json("3"), null, null);
    assertThat(fine.messages())
        .containsExactly(
            new Publication("feed", 0, "", new Payload.Json("1")),
            new Publication("feed", 0, "", new Payload.Json("2")),
            new Publication("feed", 0, "", new Payload.Json("3")));
  }

  @Test
  void closingAConnectionReleasesItsSubscriptions() {
    Client c = connect();
    c.send(new Command.Subscribe(Command.NO_ID, "a"));
    c.send(new Command.Subscribe(Command.NO_ID, "b"));
    assertThat(hub.channelCount()).isEqualTo(2);

    c.connection.onClosed(1006, "");

    assertThat(hub.channelCount()).isZero();
    assertThat(hub.connectionCount()).isZero();
  }

  @Test
  void closeAllSendsGoingAwayToEveryone() {
    Client a = connect();
    Client b = connect();
    hub.closeAll(CloseCode.GOING_AWAY, "bye");
    assertThat(a.transport.closedWith()).isEqualTo(CloseCode.GOING_AWAY);
    assertThat(b.transport.closedWith()).isEqualTo(CloseCode.GOING_AWAY);
    assertThat(hub.connectionCount()).isZero();
  }

  @Test
  void concurrentPublishersProduceOneOrderSeenIdenticallyByEverySubscriber() throws Exception {
    restart(new HubOptions(1 << 30, 8, Namespaces.only(NamespaceOptions.plain())));
    List<Client> subs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Client c = connect();
      c.send(new Command.Subscribe(Command.NO_ID, "race"));
      subs.add(c);
    }
    int threads = 4;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              return;
            }
            for (int i = 0; i < perThread; i++) {
              hub.publish("race", new Payload.Json("\"" + thread + "-" + i + "\""), null, null);
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    List<String> reference = subs.get(0).texts();
    assertThat(reference).hasSize(threads * perThread);
    for (Client c : subs) {
      assertThat(c.texts()).isEqualTo(reference);
    }
  }

  @Test
  void aPublishTheEngineRefusesIsAnsweredAsUnavailableNeverAsSuccess() {
    restart(new dev.switchboard.testing.DownBroker());
    Client c = connect();
    c.send(new Command.Publish(1, "a", new Payload.Json("1")));
    assertThat(c.texts()).hasSize(1);
    assertErrorReply(c.lastMessage(), 1, ErrorCode.UNAVAILABLE);
    assertThat(hub.metrics().errors(ErrorCode.UNAVAILABLE)).isEqualTo(1);
    assertThat(hub.metrics().publishes()).isZero();
  }

  @Test
  void aSubscribeTheEngineRefusesIsAnsweredAsUnavailableAndLeavesNoSubscription() {
    restart(new dev.switchboard.testing.DownBroker());
    Client c = connect();
    c.send(new Command.Subscribe(2, "a"));
    assertThat(c.texts()).hasSize(1);
    assertErrorReply(c.lastMessage(), 2, ErrorCode.UNAVAILABLE);
    assertThat(c.connection.subscriptions()).isEmpty();
    assertThat(hub.channelCount()).isZero();
    assertThat(hub.metrics().errors(ErrorCode.UNAVAILABLE)).isEqualTo(1);
  }

  @Test
  void whoeverSubscribesWhileTheBrokerSubscriptionIsPendingSharesItsOutcome() {
    java.util.concurrent.CompletableFuture<Void> pending =
        new java.util.concurrent.CompletableFuture<>();
    MemoryBroker memory = MemoryBroker.sweptByCaller(new ManualClock(), Duration.ofHours(1));
    dev.switchboard.engine.Broker slow =
        new dev.switchboard.testing.ForwardingBroker(memory) {
          @Override
          public java.util.concurrent.CompletionStage<Void> subscribe(String channel) {
            return pending;
          }
        };
    restart(slow);
    Client first = connect();
    Client second = connect();
    first.send(new Command.Subscribe(1, "a"));
    second.send(new Command.Subscribe(2, "a"));
    assertThat(first.texts()).isEmpty();
    assertThat(second.texts()).as("not told subscribed before the broker is").isEmpty();

    pending.completeExceptionally(new IllegalStateException("Redis refused"));
    assertErrorReply(first.lastMessage(), 1, ErrorCode.UNAVAILABLE);
    assertErrorReply(second.lastMessage(), 2, ErrorCode.UNAVAILABLE);
    assertThat(hub.channelCount()).isZero();
  }

  @Test
  void anEngineInterruptedWhileSubscribingClosesTheSubscriberWith4004AndLeavesNoChannel() {
    // The broker reports the interruption on the subscribing thread, as a link that breaks under a
    // SUBSCRIBE does: the hub must not be inside its registry then (a re-entrant update of the
    // same key would fail, and the client would see 1011 instead of 4004).
    MemoryBroker memory = MemoryBroker.sweptByCaller(new ManualClock(), Duration.ofHours(1));
    dev.switchboard.engine.Broker breaking =
        new dev.switchboard.testing.ForwardingBroker(memory) {
          private dev.switchboard.engine.BrokerHandler handler;

          @Override
          public void start(dev.switchboard.engine.BrokerHandler handler) {
            this.handler = handler;
            super.start(handler);
          }

          @Override
          public java.util.concurrent.CompletionStage<Void> subscribe(String channel) {
            handler.onInterrupted("link broke under SUBSCRIBE");
            return super.subscribe(channel);
          }
        };
    restart(breaking);
    Client c = connect();
    c.send(new Command.Subscribe(1, "a"));

    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    assertThat(hub.channelCount()).isZero();
    assertThat(hub.connectionCount()).isZero();
  }

  @Test
  void anInterruptionOfSomeChannelsAndPatternsClosesOnlyTheirSubscribersWith4004() {
    MemoryBroker memory = MemoryBroker.sweptByCaller(new ManualClock(), Duration.ofHours(1));
    dev.switchboard.engine.BrokerHandler[] handler = new dev.switchboard.engine.BrokerHandler[1];
    restart(
        new dev.switchboard.testing.ForwardingBroker(memory) {
          @Override
          public void start(dev.switchboard.engine.BrokerHandler h) {
            handler[0] = h;
            super.start(h);
          }
        });
    Client onA = connect();
    Client onB = connect();
    Client onPattern = connect();
    Client onOther = connect();
    Client onNothing = connect();
    onA.send(new Command.Subscribe(1, "a"));
    onB.send(new Command.Subscribe(1, "b"));
    onPattern.send(new Command.Subscribe(1, "news:*"));
    onOther.send(new Command.Subscribe(1, "c"));
    onOther.send(new Command.Subscribe(2, "sport:*"));

    handler[0].onInterrupted(java.util.List.of("a", "b", "news:*"), "test: the link broke");

    for (Client c : java.util.List.of(onA, onB, onPattern)) {
      assertThat(c.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    }
    assertThat(onOther.transport.closedWith()).isNull();
    assertThat(onNothing.transport.closedWith()).isNull();
  }
}
