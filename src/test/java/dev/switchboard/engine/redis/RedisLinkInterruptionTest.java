package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TcpProxy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a break of the node's Pub/Sub link does: a channel with history is filled from its stream
 * (every publication once, in order, nothing interrupted); a pattern and a channel without history
 * cannot be, and only they are interrupted, once the node is subscribed again, so that a
 * publication made at the very moment of that report still reaches the node; a history lost during
 * the break is dispatched as the stream now has it.
 *
 * <p>The node reaches a Redis of the test's own through a {@link TcpProxy}. Each break cuts the
 * node's connections while the proxy is frozen: the node reconnects at once (TCP), but its
 * handshake and re-subscription stay held until the proxy thaws, and what the publisher (on its own
 * link) publishes meanwhile is missed live. A report made on the TCP reconnect alone comes while
 * the node is not subscribed, and the publication made then is lost.
 */
class RedisLinkInterruptionTest {
  private static final PublishOptions HISTORY =
      new PublishOptions(1_000, Duration.ofMinutes(10), null);
  private static final int BREAKS = 4;

  private RedisServer redis;
  private TcpProxy network;
  private RedisBroker publisher;
  private RedisBroker node;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    network = new TcpProxy(redis.port());
    publisher = RedisBroker.open(Redis.options(redis.uri(), "int:", InstantSource.system()));
    publisher.start(new RecordingHandler());
    node =
        RedisBroker.open(
            Redis.options(
                "redis://127.0.0.1:" + network.port() + "/0", "int:", InstantSource.system()));
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
    publisher.close();
    network.close();
    redis.close();
  }

  private long publish(String channel, String json, PublishOptions o) {
    return publisher
        .publish(channel, new Payload.Json(json), o)
        .toCompletableFuture()
        .join()
        .offset();
  }

  /** Breaks the node's link; {@code meanwhile} runs while the node cannot reach Redis. */
  private void breakLink(int i, Runnable meanwhile) {
    int before = network.forwarded();
    network.freeze(true);
    network.cutAll();
    // Both connections are back on TCP; nothing gets through to Redis yet.
    await("reconnect " + i)
        .atMost(Duration.ofSeconds(20))
        .until(() -> network.forwarded() >= before + 2);
    meanwhile.run();
    network.freeze(false);
  }

  @Test
  void aHistoryChannelIsFilledWhileOnlyAPatternAndAChannelWithoutHistoryAreInterrupted()
      throws Exception {
    LinkedBlockingQueue<Long> publishedAtReport = new LinkedBlockingQueue<>();
    RecordingHandler onNode =
        new RecordingHandler() {
          @Override
          public void onInterrupted(Collection<String> channelsOrPatterns, String reason) {
            super.onInterrupted(channelsOrPatterns, reason);
            if (channelsOrPatterns.contains("other:*")) {
              // What a client does on 4004: recover from history, then rely on live delivery.
              publishedAtReport.add(publish("other:x", "\"at-report\"", HISTORY));
            }
          }
        };
    node.start(onNode);
    node.subscribe("feed").toCompletableFuture().join();
    node.subscribe("other:*").toCompletableFuture().join();
    node.subscribe("plain").toCompletableFuture().join();
    long last = 0;
    for (int n = 0; n < 5; n++) {
      last = publish("feed", "\"before\"", HISTORY);
    }
    long top = last;
    await().atMost(Duration.ofSeconds(10)).until(() -> onNode.publications("feed").size() == top);

    for (int i = 1; i <= BREAKS; i++) {
      breakLink(
          i,
          () -> {
            for (int n = 0; n < 10; n++) {
              publish("feed", "\"missed live\"", HISTORY);
              publish("plain", "\"gone\"", PublishOptions.NONE);
            }
          });
      Long offset = publishedAtReport.poll(30, TimeUnit.SECONDS);
      assertThat(offset).as("break %d was reported for the pattern", i).isNotNull();
      await("publication " + offset + " made at report " + i)
          .atMost(Duration.ofSeconds(10))
          .until(() -> onNode.publications("other:x").stream().anyMatch(p -> p.offset() == offset));
      assertThat(publishedAtReport).as("one report per break").isEmpty();
      last = publish("feed", "\"after\"", HISTORY);
      long expected = last;
      await("feed filled after break " + i)
          .atMost(Duration.ofSeconds(10))
          .until(() -> onNode.publications("feed").size() == expected);
    }
    assertThat(onNode.publications("feed"))
        .extracting(Publication::offset)
        .as("every publication once, in order")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
    assertThat(onNode.overlap()).isNull();
    assertThat(onNode.interruptedChannels())
        .as("per break: the pattern and the channel without history, nothing else")
        .hasSize(2 * BREAKS)
        .containsOnly("other:*", "plain");
    assertThat(onNode.events()).noneMatch(e -> e.startsWith("interrupted"));
    assertThat(node.stats())
        .containsEntry("interruptions", (long) BREAKS)
        .containsEntry("fills", (long) BREAKS)
        .containsEntry("filled_publications", 10L * BREAKS)
        .containsEntry("channels_interrupted", 2L * BREAKS);
  }

  @Test
  void aHistoryLostDuringTheBreakIsDispatchedAsTheStreamNowHasIt() throws Exception {
    RecordingHandler onNode = new RecordingHandler();
    node.start(onNode);
    node.subscribe("feed").toCompletableFuture().join();
    publish("feed", "1", HISTORY);
    publish("feed", "2", HISTORY);
    await().atMost(Duration.ofSeconds(10)).until(() -> onNode.publications("feed").size() == 2);
    String before = onNode.publications("feed").get(0).epoch();

    breakLink(
        1,
        () -> {
          Redis.with(redis.uri(), r -> r.del("int:m:feed", "int:s:feed"));
          publish("feed", "3", HISTORY); // offset 1 of a new epoch
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> onNode.publications("feed").size() == 3);
    Publication p = onNode.publications("feed").get(2);
    assertThat(p.offset()).isEqualTo(1);
    assertThat(p.epoch()).isNotEqualTo(before);
    assertThat(onNode.interruptedChannels())
        .as("the hub's gap check tells the subscribers, not the engine")
        .isEmpty();
    assertThat(List.copyOf(onNode.events())).isEmpty();
  }

  @Test
  void aChannelWhoseHistoryCannotBeReadIsInterruptedAfterTheRetriesAndOthersAreStillFilled()
      throws Exception {
    RecordingHandler onNode = new RecordingHandler();
    node.start(onNode);
    node.subscribe("feed").toCompletableFuture().join();
    node.subscribe("good").toCompletableFuture().join();
    publish("feed", "1", HISTORY);
    publish("good", "1", HISTORY);
    await().atMost(Duration.ofSeconds(10)).until(() -> onNode.publications().size() == 2);

    breakLink(
        1,
        () -> {
          // Every read of feed's history now fails on Redis (WRONGTYPE), as long as it is there.
          Redis.with(redis.uri(), r -> r.set("int:m:feed", "not a hash"));
          publish("good", "2", HISTORY);
        });
    await("feed interrupted after its reads kept failing")
        .atMost(Duration.ofSeconds(30))
        .until(() -> onNode.interruptedChannels().contains("feed"));
    assertThat(onNode.interruptedChannels()).containsExactly("feed");
    await().atMost(Duration.ofSeconds(10)).until(() -> onNode.publications("good").size() == 2);
    assertThat(onNode.publications("good")).extracting(Publication::offset).containsExactly(1L, 2L);
    assertThat(onNode.events()).isEmpty();
    assertThat(node.stats()).containsEntry("fills", 1L).containsEntry("channels_interrupted", 1L);
  }
}
