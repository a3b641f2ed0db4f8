package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.ClientRecorder;
import dev.switchboard.testing.FailoverLoad;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.LossLedger;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisClusterServers;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on a Redis Cluster of three primaries with a replica each (redis.uri=redis-cluster://):
 * channels spread over the shards travel between the nodes by sharded Pub/Sub with history; then a
 * primary is killed with SIGKILL under publish load and its replica promoted. Whatever the dead
 * primary had not passed to its replica is lost; every subscriber must be told of what it lost
 * (recovered:false), nothing may reach a subscriber twice or out of order. The counts and the time
 * to recover are printed.
 */
class RedisClusterTest {
  private static final String PREFIX = "rcluster:";
  private static final int PUBLICATIONS = 10_000;

  /** Channels whose slots are on different primaries of a fresh three-primary cluster. */
  private static final List<String> CHANNELS = List.of("feed:a", "feed:b", "feed:d");

  private static StandaloneServer node(String uri) {
    Map<String, String> settings = Redis.clusterSettings(uri, PREFIX);
    settings.put("redis.timeout", "1s");
    settings.put("redis.canary-interval", "200ms");
    return TestServers.start(settings);
  }

  /** The key that decides where {@code channel} lives (all its keys share its hash tag). */
  private static String slotKey(String channel) {
    return PREFIX + "m:{" + channel + "}";
  }

  @Test
  void publicationsOnChannelsOfEveryShardReachTheOtherNodeWithHistory() throws Exception {
    LossLedger ledger = new LossLedger();
    List<LossLedger.Listener> listeners = new ArrayList<>();
    try (RedisClusterServers redis = RedisClusterServers.start(3, 1);
        StandaloneServer publishing = node(redis.uri());
        StandaloneServer subscribing = node(redis.uri());
        SwitchboardClient client =
            SwitchboardClient.builder(subscribing.wsUri().resolve("/ws")).build()) {
      Set<Integer> shards =
          CHANNELS.stream().map(c -> redis.primaryPortOf(slotKey(c))).collect(Collectors.toSet());
      assertThat(shards).as("the channels are on three shards").hasSize(3);
      await().atMost(Duration.ofSeconds(20)).until(() -> ready(publishing) && ready(subscribing));
      client.connect().get(10, TimeUnit.SECONDS);
      for (String channel : CHANNELS) {
        LossLedger.Listener l = ledger.listener(channel);
        listeners.add(l);
        client.subscribe(channel, l);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> subscribed(subscribing, CHANNELS.size()));
      for (int n = 1; n <= 20; n++) {
        for (String channel : CHANNELS) {
          String data = "\"" + channel + "-" + n + "\"";
          Http.Response r =
              Http.postJson(
                  publishing.httpUri().resolve("/api/publish"),
                  "{\"channel\":\"" + channel + "\",\"data\":" + data + "}");
          assertThat(r.status()).isEqualTo(200);
          ledger.acked(
              channel, r.json().path("epoch").asText(), r.json().path("offset").asLong(), data);
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> listeners.stream().allMatch(l -> FailoverLoad.heardLast(l, publishing)));
      for (LossLedger.Listener l : listeners) {
        assertThat(l.verdict().clean()).as("%s", l.verdict()).isTrue();
      }
      for (String channel : CHANNELS) {
        var history =
            Http.get(
                    subscribing.httpUri().resolve("/api/history?channel=" + channel + "&limit=100"))
                .json();
        assertThat(history.path("offset").asLong()).isEqualTo(20);
        assertThat(history.path("publications").size()).isEqualTo(20);
      }
      ClientRecorder pattern = new ClientRecorder();
      client.subscribe("feed:*", pattern);
      assertThat(pattern.errors.poll(20, TimeUnit.SECONDS))
          .as("a pattern is refused for good on a cluster, not retried as unavailable")
          .isNotNull()
          .satisfies(e -> assertThat(e.errorCode()).isEqualTo(112));
    }
  }

  @Test
  void aPrimaryKilledUnderPublishLoadLosesNothingSilently() throws Exception {
    try (RedisClusterServers redis = RedisClusterServers.start(3, 1);
        StandaloneServer publishing = node(redis.uri());
        StandaloneServer subscribing = node(redis.uri());
        FailoverLoad load = new FailoverLoad(CHANNELS)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ready(publishing) && ready(subscribing));
      load.subscribe(List.of(subscribing, subscribing, publishing));
      await().atMost(Duration.ofSeconds(10)).until(() -> subscribed(subscribing, CHANNELS.size()));
      load.publish(publishing, PUBLICATIONS);
      await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted() >= PUBLICATIONS / 3);
      String victim = CHANNELS.get(0);
      long killedAt = load.failing();
      int killed = redis.killPrimaryOf(slotKey(victim)); // returns once the replica took over
      long promotedAt = System.nanoTime();
      int silent = load.finish(subscribing, "cluster failover");
      System.out.printf(
          "cluster failover (primary on port %d killed): %d publications accepted, %d refused"
              + " while failing over, %d silent losses; replica promoted %d ms after the kill;"
              + " first accepted publication on the killed shard's channel %d ms after the kill%n",
          killed,
          load.accepted(),
          load.refused(),
          silent,
          TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt),
          load.recoveredMillis(victim));
      assertThat(load.accepted()).isGreaterThanOrEqualTo(PUBLICATIONS);
    }
  }

  private static boolean ready(StandaloneServer node) {
    return Http.get(node.httpUri().resolve("/ready")).status() == 200;
  }

  private static boolean subscribed(StandaloneServer node, int channels) {
    return Http.get(node.httpUri().resolve("/api/stats"))
            .json()
            .path("engine")
            .path("channels_subscribed")
            .asInt()
        >= channels;
  }
}
