package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerContractTest;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisClusterServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker contract on a Redis Cluster of three primaries: every key of a channel shares its
 * slot, channels spread over the shards, publications travel by sharded Pub/Sub.
 */
class RedisClusterBrokerTest extends BrokerContractTest {
  private static RedisClusterServers cluster;

  private final String prefix = Redis.freshPrefix();
  private final List<Broker> others = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterServers.start(3, 0);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  protected Broker newBroker(ManualClock clock) {
    return RedisBroker.open(Redis.options(cluster.uri(), prefix, clock));
  }

  @Override
  protected Broker otherNode(RecordingHandler handler) {
    RedisBroker node = RedisBroker.open(Redis.options(cluster.uri(), prefix, clock));
    others.add(node);
    node.start(handler);
    return node;
  }

  @AfterEach
  void closeOthers() {
    others.forEach(Broker::close);
  }

  @Test
  void aChannelsKeysAndPubSubChannelShareOneSlotAndChannelsSpreadOverTheShards() {
    RedisLink link = ((RedisBroker) broker).link();
    for (String kind : List.of("m:", "s:", "c:", "p:")) {
      assertThat(slot(link.key(kind, "room"))).isEqualTo(slot(link.key("m:", "room")));
    }
    assertThat(new String(link.key("i:", "room|k1"), StandardCharsets.UTF_8))
        .isEqualTo(prefix + "i:{room}|k1");
    assertThat(slot(link.key("i:", "room|k1"))).isEqualTo(slot(link.key("m:", "room")));
    Set<Integer> primaries =
        Stream.of("a", "b", "c", "d", "e", "f", "g", "h")
            .map(c -> cluster.primaryPortOf(slot(link.key("m:", c))))
            .collect(Collectors.toSet());
    assertThat(primaries).hasSize(3);
  }

  @Test
  void publicationsOnChannelsOfEveryShardReachAnotherNode() {
    RecordingHandler onB = new RecordingHandler();
    Broker b = otherNode(onB);
    List<String> channels = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    for (String c : channels) {
      b.subscribe(c).toCompletableFuture().join();
    }
    for (String c : channels) {
      PublishResult r = publish(c, "{\"on\":\"" + c + "\"}", HISTORY);
      assertThat(r.offset()).isEqualTo(1);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> channels.stream().allMatch(c -> onB.publications(c).size() == 1));
  }

  @Test
  void aPatternSubscriptionIsRefused() {
    assertThatThrownBy(() -> broker.subscribe("orders:*").toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(UnsupportedOperationException.class) // answered 112, not retried
        .hasMessageContaining("pattern");
  }

  private static int slot(byte[] key) {
    return io.lettuce.core.cluster.SlotHash.getSlot(key);
  }
}
