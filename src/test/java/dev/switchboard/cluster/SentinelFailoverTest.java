package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.FailoverLoad;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisSentinels;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on a Redis primary watched by three Sentinels; the primary is killed with SIGKILL under
 * publish load and a Sentinel promotes the replica. Whatever the dead primary had not passed to its
 * replica is lost; every subscriber must be told of what it lost (recovered:false), nothing may
 * reach a subscriber twice or out of order, and no offset may carry two publications under one
 * epoch. The counts and the time to recover are printed.
 */
class SentinelFailoverTest {
  private static final int PUBLICATIONS = 10_000;
  private static final List<String> CHANNELS = List.of("feed:s1", "feed:s2");

  private static StandaloneServer node(String uri) {
    Map<String, String> settings = Redis.clusterSettings(uri, "sentinel:");
    settings.put("redis.timeout", "1s");
    settings.put("redis.canary-interval", "200ms");
    return TestServers.start(settings);
  }

  @Test
  void aPrimaryKilledUnderPublishLoadLosesNothingSilently() throws Exception {
    try (RedisSentinels redis = RedisSentinels.start();
        StandaloneServer publishing = node(redis.uri());
        StandaloneServer subscribing = node(redis.uri());
        FailoverLoad load = new FailoverLoad(CHANNELS)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ready(publishing) && ready(subscribing));
      load.subscribe(List.of(subscribing, subscribing, publishing));
      load.publish(publishing, PUBLICATIONS);
      await().atMost(Duration.ofSeconds(60)).until(() -> load.accepted() >= PUBLICATIONS / 3);
      int before = redis.currentPrimaryPort();
      redis.killPrimary();
      load.failing();
      await("a Sentinel promotes the replica")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> redis.currentPrimaryPort() != before);
      int silent = load.finish(subscribing, "sentinel failover");
      System.out.printf(
          "sentinel failover: %d publications accepted, %d refused while failing over,"
              + " %d silent losses; first accepted publication %d ms after the kill%n",
          load.accepted(), load.refused(), silent, load.recoveredMillis(CHANNELS.get(0)));
      assertThat(load.accepted()).isGreaterThanOrEqualTo(PUBLICATIONS);
    }
  }

  private static boolean ready(StandaloneServer node) {
    return Http.get(node.httpUri().resolve("/ready")).status() == 200;
  }
}
