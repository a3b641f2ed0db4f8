package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisClusterServersTest {
  @Test
  void aReplicaTakesOverWhenItsPrimaryIsKilled() {
    try (RedisClusterServers cluster = RedisClusterServers.start(3, 1)) {
      assertThat(cluster.uri()).startsWith("redis-cluster://127.0.0.1:");
      assertThat(cluster.livePorts()).hasSize(6);
      int before = cluster.primaryPortOf("{a}");
      int killed = cluster.killPrimaryOf("{a}");
      assertThat(killed).isEqualTo(before);
      assertThat(cluster.primaryPortOf("{a}")).isNotEqualTo(before);
      assertThat(cluster.livePorts()).hasSize(5);
    }
  }
}
