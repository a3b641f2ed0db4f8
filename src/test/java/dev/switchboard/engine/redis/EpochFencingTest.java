package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Epoch fencing on real Redis processes: a replica promoted while behind its primary must not hand
 * out an offset again under the epoch the primary handed it out under. The promotion is made by
 * hand ({@code REPLICAOF NO ONE}) after the primary went on without it, which is what an
 * asynchronous replica that loses the race to a failover looks like, deterministically.
 */
class EpochFencingTest {
  private static final PublishOptions HISTORY =
      new PublishOptions(100, Duration.ofMinutes(10), null);

  private final ManualClock clock = new ManualClock();
  private final String prefix = Redis.freshPrefix();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private RedisServer primary;
  private RedisServer replica;

  @BeforeEach
  void startPair() {
    primary = RedisServer.start();
    replica = RedisServer.start();
    closing.add(primary);
    closing.add(replica);
    Redis.with(replica.uri(), r -> r.replicaof("127.0.0.1", primary.port()));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Redis.with(replica.uri(), r -> r.info("replication"))
                    .contains("master_link_status:up"));
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private RedisBroker node(String uri) {
    RedisBroker b = RedisBroker.open(Redis.options(uri, prefix, clock));
    closing.add(b);
    b.start(new RecordingHandler());
    return b;
  }

  private static PublishResult publish(RedisBroker b, String data) {
    return b.publish("h", new Payload.Json(data), HISTORY).toCompletableFuture().join();
  }

  @Test
  void aPromotedReplicaThatMissedOffsetsMovesTheChannelToANewEpoch() {
    RedisBroker onPrimary = node(primary.uri());
    String epoch = publish(onPrimary, "1").epoch();
    for (int n = 2; n <= 5; n++) {
      assertThat(publish(onPrimary, Integer.toString(n)).epoch())
          .as("no fencing while the same Redis assigns the offsets")
          .isEqualTo(epoch);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "5".equals(Redis.with(replica.uri(), r -> r.hget(prefix + "m:h", "o"))));

    Redis.with(replica.uri(), r -> r.replicaofNoOne()); // promoted, at offset 5
    for (int n = 6; n <= 8; n++) { // the old primary goes on: 6 to 8 under the same epoch
      assertThat(publish(onPrimary, Integer.toString(n)).epoch()).isEqualTo(epoch);
    }

    RedisBroker onPromoted = node(replica.uri());
    PublishResult after = publish(onPromoted, "9");
    assertThat(after.offset()).isEqualTo(6);
    assertThat(after.epoch())
        .as("offset 6 was handed out under %s already: a new epoch says so", epoch)
        .isNotEqualTo(epoch);
    var history =
        onPromoted.history("h", new HistoryQuery(null, 100, false)).toCompletableFuture().join();
    assertThat(history.position().epoch()).isEqualTo(after.epoch());
    assertThat(history.publications())
        .as("what the promoted replica has is kept")
        .extracting(p -> ((Payload.Json) p.payload()).json())
        .containsExactly("1", "2", "3", "4", "5", "9");
    assertThat(publish(onPromoted, "10").epoch())
        .as("fenced once, then stable")
        .isEqualTo(after.epoch());
  }

  @Test
  void aHistoryReadOnAPromotedReplicaAlsoFences() {
    RedisBroker onPrimary = node(primary.uri());
    String epoch = publish(onPrimary, "1").epoch();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "1".equals(Redis.with(replica.uri(), r -> r.hget(prefix + "m:h", "o"))));
    Redis.with(replica.uri(), r -> r.replicaofNoOne());

    RedisBroker onPromoted = node(replica.uri());
    var position =
        onPromoted.history("h", HistoryQuery.POSITION).toCompletableFuture().join().position();
    assertThat(position.epoch())
        .as("a client recovering from epoch %s is told it cannot", epoch)
        .isNotEqualTo(epoch);
    assertThat(position.offset()).isEqualTo(1);
  }
}
