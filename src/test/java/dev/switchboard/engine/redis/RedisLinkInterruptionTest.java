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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an interruption promises: when the broker reports that its Pub/Sub link broke and came back,
 * live delivery of every channel it wants is in place again, so a client that recovers from history
 * from then on misses nothing. A publication made at the very moment of the report must reach the
 * node.
 *
 * <p>The node reaches a Redis of the test's own through a {@link TcpProxy}. Each break cuts the
 * node's connections while the proxy is frozen: the node reconnects at once (TCP), but its
 * handshake and re-subscription stay held until the proxy thaws. A report made on the TCP reconnect
 * alone comes while the node is not subscribed, and the publication made then is lost.
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

  @Test
  void aPublicationMadeWhenTheInterruptionIsReportedReachesTheNodeAfterEveryBreak()
      throws Exception {
    LinkedBlockingQueue<Long> publishedAtReport = new LinkedBlockingQueue<>();
    RecordingHandler onNode =
        new RecordingHandler() {
          @Override
          public void onInterrupted(String reason) {
            super.onInterrupted(reason);
            // What a client does on 4004: recover from history, then rely on live delivery.
            publishedAtReport.add(
                publisher
                    .publish("feed", new Payload.Json("\"at-report\""), HISTORY)
                    .toCompletableFuture()
                    .join()
                    .offset());
          }
        };
    node.start(onNode);
    node.subscribe("feed").toCompletableFuture().join();
    node.subscribe("other:*").toCompletableFuture().join();

    for (int i = 1; i <= BREAKS; i++) {
      int before = network.forwarded();
      network.freeze(true);
      network.cutAll();
      // Both connections are back on TCP; nothing gets through to Redis yet.
      await("reconnect " + i)
          .atMost(Duration.ofSeconds(20))
          .until(() -> network.forwarded() >= before + 2);
      network.freeze(false);

      Long offset = publishedAtReport.poll(30, TimeUnit.SECONDS);
      assertThat(offset).as("break %d was reported", i).isNotNull();
      await("publication " + offset + " made at report " + i)
          .atMost(Duration.ofSeconds(10))
          .until(() -> onNode.publications("feed").stream().anyMatch(p -> p.offset() == offset));
      assertThat(publishedAtReport).as("one report per break").isEmpty();
    }
    assertThat(onNode.publications("feed"))
        .extracting(Publication::offset)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(onNode.overlap()).isNull();
    assertThat(node.stats().get("interruptions")).isEqualTo((long) BREAKS);
  }
}
