package dev.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.TraceContext;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.RecordingHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Broker} meets. Each engine's test extends this class and says how to
 * build the engine; the same cases then run against each.
 */
public abstract class BrokerContractTest {
  protected static final Duration TTL = Duration.ofMinutes(5);
  protected static final PublishOptions HISTORY = new PublishOptions(10, TTL, null);

  protected final ManualClock clock = new ManualClock();
  protected final RecordingHandler handler = new RecordingHandler();
  protected Broker broker;

  /** A fresh, started-by-the-caller broker on {@code clock}, isolated from other tests. */
  protected abstract Broker newBroker(ManualClock clock);

  /**
   * Another node of the same cluster, started with {@code handler}; null for a single-node engine.
   * The case closes it.
   */
  protected Broker otherNode(RecordingHandler handler) {
    return null;
  }

  /** Lets time pass for the engine: the clock, and whatever the engine needs to expire entries. */
  protected void pass(Duration d) {
    clock.advance(d);
  }

  /** Channels the cases use; a node receives only channels it subscribed to. */
  private static final List<String> CHANNELS =
      List.of("plain", "h", "x", "y", "fresh", "other", "room", "hot");

  /** Waits until {@code count} publications of {@code channel} reached the handler. */
  /**
   * Waits until {@code count} publications of {@code channel} arrived. Bounded by progress, not by
   * a rate: it fails only when nothing new arrives for 30 s (a real stall), however slowly a busy
   * machine delivers thousands of them through Redis.
   */
  protected void awaitDeliveries(String channel, int count) {
    int seen;
    while ((seen = handler.publications(channel).size()) < count) {
      int before = seen;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> handler.publications(channel).size() > before);
    }
    assertThat(handler.publications(channel)).hasSize(count);
  }

  @BeforeEach
  void startBroker() {
    broker = newBroker(clock);
    broker.start(handler);
    listen(broker);
  }

  private static void listen(Broker b) {
    for (String channel : CHANNELS) {
      b.subscribe(channel).toCompletableFuture().join();
    }
  }

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  protected PublishResult publish(String channel, String json, PublishOptions options) {
    return broker.publish(channel, new Payload.Json(json), options).toCompletableFuture().join();
  }

  protected HistoryResult history(String channel, HistoryQuery query) {
    return broker.history(channel, query).toCompletableFuture().join();
  }

  @Test
  void aTraceContextTravelsWithThePublicationToEveryNodeAndIntoTheHistory() {
    TraceContext trace =
        TraceContext.parse(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE,x=\"q\"");
    RecordingHandler onOther = new RecordingHandler();
    Broker other = otherNode(onOther);
    try {
      if (other != null) {
        listen(other);
      }
      publish("plain", "1", new PublishOptions(0, Duration.ZERO, null, trace));
      publish("h", "1", new PublishOptions(10, TTL, null, trace));
      publish("h", "2", HISTORY);
      for (RecordingHandler node : other == null ? List.of(handler) : List.of(handler, onOther)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.publications("h").size() >= 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.publications("plain").size() >= 1);
        assertThat(node.publications("plain").get(0).trace()).isEqualTo(trace);
        assertThat(node.publications("plain").get(0).payload()).isEqualTo(new Payload.Json("1"));
        assertThat(node.publications("h"))
            .extracting(Publication::trace)
            .containsExactly(trace, null);
        assertThat(node.publications("h").get(0).payload()).isEqualTo(new Payload.Json("1"));
      }
      assertThat(history("h", new HistoryQuery(null, 10, false)).publications())
          .extracting(Publication::trace)
          .containsExactly(trace, null);
    } finally {
      if (other != null) {
        other.close();
      }
    }
  }

  @Test
  void aChannelWithoutHistoryDeliversWithoutOffsets() {
    PublishResult r = publish("plain", "1", PublishOptions.NONE);
    assertThat(r.offset()).isZero();
    awaitDeliveries("plain", 1);
    assertThat(handler.publications("plain").get(0).hasOffset()).isFalse();
  }

  @Test
  void offsetsStartAtOneAndHaveNoGapsWithOneEpoch() {
    PublishResult first = publish("h", "\"a\"", HISTORY);
    PublishResult second = publish("h", "\"b\"", HISTORY);
    PublishResult third = publish("h", "\"c\"", HISTORY);

    assertThat(List.of(first.offset(), second.offset(), third.offset()))
        .containsExactly(1L, 2L, 3L);
    assertThat(first.epoch()).isNotEmpty().isEqualTo(second.epoch()).isEqualTo(third.epoch());
    awaitDeliveries("h", 3);
    assertThat(handler.publications("h"))
        .extracting(Publication::offset)
        .containsExactly(1L, 2L, 3L);
    assertThat(handler.publications("h"))
        .extracting(Publication::epoch)
        .containsOnly(first.epoch());
  }

  @Test
  void channelsHaveIndependentOffsetsAndEpochs() {
    publish("x", "1", HISTORY);
    publish("x", "2", HISTORY);
    PublishResult y = publish("y", "1", HISTORY);
    assertThat(y.offset()).isEqualTo(1);
    assertThat(history("x", HistoryQuery.POSITION).position().offset()).isEqualTo(2);
  }

  @Test
  void historyReadsAfterAPositionOldestOrNewestFirstWithALimit() {
    for (int i = 1; i <= 5; i++) {
      publish("h", String.valueOf(i), HISTORY);
    }
    String epoch = history("h", HistoryQuery.POSITION).position().epoch();

    HistoryResult all = history("h", new HistoryQuery(null, 100, false));
    assertThat(all.publications())
        .extracting(Publication::offset)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all.position()).isEqualTo(new StreamPosition(5, epoch));

    assertThat(history("h", HistoryQuery.after(new StreamPosition(3, epoch))).publications())
        .extracting(Publication::offset)
        .containsExactly(4L, 5L);
    assertThat(history("h", new HistoryQuery(null, 2, true)).publications())
        .extracting(Publication::offset)
        .containsExactly(5L, 4L);
    assertThat(history("h", new HistoryQuery(null, 2, false)).publications())
        .extracting(Publication::offset)
        .containsExactly(1L, 2L);
    assertThat(history("h", HistoryQuery.POSITION).publications()).isEmpty();
    assertThat(all.publications().get(2).payload()).isEqualTo(new Payload.Json("3"));
  }

  @Test
  void aNeverPublishedChannelHasPositionZeroAndAnEpochItKeeps() {
    StreamPosition before = history("fresh", HistoryQuery.POSITION).position();
    assertThat(before.offset()).isZero();
    assertThat(before.epoch()).isNotEmpty();
    PublishResult r = publish("fresh", "1", HISTORY);
    assertThat(r.epoch()).isEqualTo(before.epoch());
    assertThat(r.offset()).isEqualTo(1);
  }

  @Test
  void historyKeepsAtMostItsSize() {
    for (int i = 1; i <= 25; i++) {
      publish("h", String.valueOf(i), HISTORY);
    }
    HistoryResult r = history("h", new HistoryQuery(null, 100, false));
    assertThat(r.publications())
        .extracting(Publication::offset)
        .containsExactly(16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L, 24L, 25L);
    assertThat(r.position().offset()).isEqualTo(25);
  }

  @Test
  void entriesExpireAfterTheirTtlButThePositionIsKept() {
    publish("h", "1", HISTORY);
    pass(Duration.ofMinutes(3));
    publish("h", "2", HISTORY);
    pass(Duration.ofMinutes(3)); // the first is 6 min old, the second 3 min

    HistoryResult r = history("h", new HistoryQuery(null, 100, false));
    assertThat(r.publications()).extracting(Publication::offset).containsExactly(2L);
    assertThat(r.position().offset()).isEqualTo(2);

    pass(Duration.ofMinutes(3));
    HistoryResult empty = history("h", new HistoryQuery(null, 100, false));
    assertThat(empty.publications()).isEmpty();
    assertThat(empty.position()).isEqualTo(r.position());
    assertThat(publish("h", "3", HISTORY).offset()).isEqualTo(3);
  }

  @Test
  void aRepeatedIdempotencyKeyReturnsTheFirstResultAndDeliversOnce() {
    PublishOptions keyed = new PublishOptions(10, TTL, "order-17");
    PublishResult first = publish("h", "\"paid\"", keyed);
    PublishResult again = publish("h", "\"paid\"", keyed);

    assertThat(again.offset()).isEqualTo(first.offset());
    assertThat(again.epoch()).isEqualTo(first.epoch());
    assertThat(again.repeated()).isTrue();
    assertThat(first.repeated()).isFalse();
    awaitDeliveries("h", 1);
    assertThat(history("h", HistoryQuery.POSITION).position().offset()).isEqualTo(1);

    // The same key on another channel is another publish.
    assertThat(publish("other", "1", keyed).repeated()).isFalse();
    // Without history too.
    PublishOptions plainKeyed = new PublishOptions(0, Duration.ZERO, "k");
    publish("plain", "1", plainKeyed);
    assertThat(publish("plain", "1", plainKeyed).repeated()).isTrue();
    awaitDeliveries("plain", 1);
  }

  @Test
  void anIdempotencyKeyIsForgottenAfterFiveMinutes() {
    PublishOptions keyed = new PublishOptions(10, TTL, "k");
    publish("h", "1", keyed);
    pass(PublishOptions.IDEMPOTENCY_WINDOW.plusSeconds(1));
    PublishResult later = publish("h", "1", keyed);
    assertThat(later.repeated()).isFalse();
    assertThat(later.offset()).isEqualTo(2);
  }

  @Test
  void joinAndLeaveReachTheHandler() {
    broker.publishJoin("room", new ClientInfo("c1", "alice", null)).toCompletableFuture().join();
    broker.publishLeave("room", new ClientInfo("c1", "alice", null)).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.events().size() >= 2);
    assertThat(handler.events()).containsExactly("join room c1", "leave room c1");
  }

  @Test
  void aBroadcastReachesEveryNodeOnceThisOneIncluded() {
    RecordingHandler onOther = new RecordingHandler();
    Broker other = otherNode(onOther);
    try {
      NodeCommand first =
          new NodeCommand.DisconnectUser(
              "alice ✓", new CloseCode(4600, "banned", false), "line\nbreak \u0000");
      NodeCommand second = new NodeCommand.UnsubscribeUser("bob", "room", "removed");
      broker.broadcast(first).toCompletableFuture().join();
      broker.broadcast(second).toCompletableFuture().join();

      for (RecordingHandler node : other == null ? List.of(handler) : List.of(handler, onOther)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.events().size() >= 2);
        // Commands arrive in order: a repeat of the first would come before the second.
        assertThat(node.events()).containsExactly("command " + first, "command " + second);
      }
    } finally {
      if (other != null) {
        other.close();
      }
    }
  }

  @Test
  void concurrentPublishersGetGaplessOffsetsDeliveredInOrderNeverInParallel() throws Exception {
    int threads = 4;
    int each = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    PublishOptions big = new PublishOptions(threads * each, TTL, null);
    for (int t = 0; t < threads; t++) {
      int id = t;
      pool.execute(
          () -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              return;
            }
            for (int i = 0; i < each; i++) {
              broker.publish("hot", new Payload.Json("\"" + id + "." + i + "\""), big);
            }
          });
    }
    go.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    awaitDeliveries("hot", threads * each);
    List<Publication> got = handler.publications("hot");
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).offset()).isEqualTo(i + 1);
    }
    assertThat(handler.overlap()).isNull();
    for (int t = 0; t < threads; t++) {
      String prefix = "\"" + t + ".";
      List<String> mine =
          got.stream()
              .map(p -> ((Payload.Json) p.payload()).json())
              .filter(s -> s.startsWith(prefix))
              .toList();
      for (int i = 0; i < each; i++) {
        assertThat(mine.get(i)).isEqualTo(prefix + i + "\"");
      }
    }
  }

  @Test
  void aPublicationIsInTheHistoryByTheTimeItIsDelivered() {
    List<CompletableFuture<long[]>> checks = new CopyOnWriteArrayList<>();
    RecordingHandler checking =
        new RecordingHandler() {
          @Override
          public void onPublication(Publication p) {
            // Handlers must not block: read the position now, compare it later.
            checks.add(
                broker
                    .history(p.channel(), HistoryQuery.POSITION)
                    .thenApply(h -> new long[] {p.offset(), h.position().offset()})
                    .toCompletableFuture());
            super.onPublication(p);
          }
        };
    broker.close();
    broker = newBroker(clock);
    broker.start(checking);
    listen(broker);
    publish("h", "1", HISTORY);
    publish("h", "2", HISTORY);
    await().atMost(Duration.ofSeconds(10)).until(() -> checking.publications("h").size() == 2);
    for (CompletableFuture<long[]> check : checks) {
      long[] delivered = check.join();
      assertThat(delivered[1]).isGreaterThanOrEqualTo(delivered[0]);
    }
  }
}
