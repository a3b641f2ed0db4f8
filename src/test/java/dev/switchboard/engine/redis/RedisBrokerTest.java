package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerContractTest;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker contract on real Redis, plus what only a cluster engine promises: several nodes share
 * offsets, history and delivery; a node subscribes only to what it needs; a publication reaches a
 * node once however many of its subscriptions match.
 */
class RedisBrokerTest extends BrokerContractTest {
  private final String prefix = Redis.freshPrefix();
  private final List<Broker> others = new ArrayList<>();

  @Override
  protected Broker newBroker(ManualClock clock) {
    return RedisBroker.open(Redis.options(Redis.URI, prefix, clock));
  }

  /** Another node on the same Redis and prefix. */
  private RedisBroker node(RecordingHandler handler) {
    RedisBroker node = RedisBroker.open(Redis.options(Redis.URI, prefix, clock));
    others.add(node);
    node.start(handler);
    return node;
  }

  @Override
  protected Broker otherNode(RecordingHandler handler) {
    return node(handler);
  }

  @AfterEach
  void cleanUp() {
    others.forEach(Broker::close);
    Redis.deleteAll(Redis.URI, prefix);
  }

  private static Payload json(String s) {
    return new Payload.Json(s);
  }

  @Test
  void aPublicationOnOneNodeReachesTheSubscribersOfAnother() {
    RecordingHandler onB = new RecordingHandler();
    RedisBroker b = node(onB);
    b.subscribe("news").toCompletableFuture().join();

    PublishResult r =
        broker.publish("news", json("{\"n\":1}"), HISTORY).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(10)).until(() -> onB.publications("news").size() == 1);
    Publication p = onB.publications("news").get(0);
    assertThat(p.offset()).isEqualTo(r.offset());
    assertThat(p.epoch()).isEqualTo(r.epoch());
    assertThat(p.payload()).isEqualTo(json("{\"n\":1}"));
    assertThat(handler.publications("news")).as("node A never subscribed to news").isEmpty();

    byte[] bytes = {0, 1, 2, (byte) 255, ' ', '\n'};
    broker
        .publish("news", new Payload.Binary(bytes), PublishOptions.NONE)
        .toCompletableFuture()
        .join();
    await().atMost(Duration.ofSeconds(10)).until(() -> onB.publications("news").size() == 2);
    assertThat(onB.publications("news").get(1).payload()).isEqualTo(new Payload.Binary(bytes));
    assertThat(onB.publications("news").get(1).hasOffset()).isFalse();
  }

  @Test
  void publishersOnTwoNodesShareOneGaplessSequenceAndOneHistory() {
    RecordingHandler onB = new RecordingHandler();
    RedisBroker b = node(onB);
    b.subscribe("shared").toCompletableFuture().join();
    broker.subscribe("shared").toCompletableFuture().join();
    PublishOptions big = new PublishOptions(10_000, TTL, null);
    List<CompletableFuture<PublishResult>> results = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      results.add(broker.publish("shared", json("\"a" + i + "\""), big).toCompletableFuture());
      results.add(b.publish("shared", json("\"b" + i + "\""), big).toCompletableFuture());
    }
    assertThat(results.stream().map(f -> f.join().offset()).sorted().toList())
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 2_000).boxed().toList());

    awaitDeliveries("shared", 2_000);
    await().atMost(Duration.ofSeconds(20)).until(() -> onB.publications("shared").size() == 2_000);
    assertThat(handler.publications("shared"))
        .extracting(Publication::offset)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(onB.publications("shared"))
        .extracting(Publication::payload)
        .containsExactlyElementsOf(
            handler.publications("shared").stream().map(Publication::payload).toList());
    assertThat(
            b.history("shared", new HistoryQuery(null, 5, true))
                .toCompletableFuture()
                .join()
                .publications())
        .extracting(Publication::offset)
        .containsExactly(2_000L, 1_999L, 1_998L, 1_997L, 1_996L);
  }

  @Test
  void aNodeSubscribesOnRedisOnlyToChannelsWithLocalSubscribers() {
    List<String> channels =
        Redis.<List<String>>with(Redis.URI, r -> r.pubsubChannels(prefix + "c:*"));
    assertThat(channels).contains(prefix + "c:h").doesNotContain(prefix + "c:never");
    broker.unsubscribe("h").toCompletableFuture().join();
    assertThat(Redis.<List<String>>with(Redis.URI, r -> r.pubsubChannels(prefix + "c:h")))
        .isEmpty();
  }

  @Test
  void aPublicationMatchingAChannelAndPatternsReachesTheNodeOnce() {
    RecordingHandler onB = new RecordingHandler();
    RedisBroker b = node(onB);
    b.subscribe("orders:*").toCompletableFuture().join();
    b.subscribe("*").toCompletableFuture().join();
    broker.publish("orders:eu:1", json("1"), PublishOptions.NONE).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(10)).until(() -> onB.publications("orders:eu:1").size() == 1);

    b.subscribe("orders:eu:1").toCompletableFuture().join();
    broker.publish("orders:eu:1", json("2"), PublishOptions.NONE).toCompletableFuture().join();
    broker.publish("other", json("3"), PublishOptions.NONE).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(10)).until(() -> onB.publications("other").size() == 1);
    assertThat(onB.publications("orders:eu:1"))
        .extracting(Publication::payload)
        .containsExactly(json("1"), json("2"));
  }

  @Test
  void expiredEntriesAreFreedInRedisAndALostPositionStartsANewEpoch() {
    for (int i = 0; i < 20; i++) {
      publish("h", String.valueOf(i), HISTORY);
    }
    assertThat(Redis.<Long>with(Redis.URI, r -> r.xlen(prefix + "s:h")))
        .isEqualTo(10); // history.size
    pass(TTL.plusSeconds(1));
    history("h", HistoryQuery.POSITION);
    assertThat(Redis.<Long>with(Redis.URI, r -> r.exists(prefix + "s:h"))).isZero();
    String epoch = history("h", HistoryQuery.POSITION).position().epoch();
    assertThat(history("h", HistoryQuery.POSITION).position().offset()).isEqualTo(20);

    // Redis loses its data (a restart without persistence): the next publish starts over.
    Redis.with(Redis.URI, r -> r.del(prefix + "m:h", prefix + "s:h"));
    PublishResult after = publish("h", "x", HISTORY);
    assertThat(after.offset()).isEqualTo(1);
    assertThat(after.epoch()).isNotEqualTo(epoch);
  }

  @Test
  void anIdempotencyKeyIsSharedByAllNodes() {
    RedisBroker b = node(new RecordingHandler());
    PublishOptions keyed = new PublishOptions(10, TTL, "pay-17");
    PublishResult first = publish("h", "1", keyed);
    PublishResult again = b.publish("h", json("1"), keyed).toCompletableFuture().join();
    assertThat(again.repeated()).isTrue();
    assertThat(again.offset()).isEqualTo(first.offset());
  }
}
