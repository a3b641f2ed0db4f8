package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine link in {@code /api/stats} follows a Redis of the test's own going away and back. */
class RedisLinkStatusTest {
  private RedisServer redis;

  @BeforeEach
  void startRedis() {
    redis = RedisServer.start();
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private static JsonNode link(StandaloneServer node) {
    return Http.get(node.httpUri().resolve("/api/stats")).json().path("engine").path("link");
  }

  @Test
  void theLinkTurnsDownWhenRedisStopsAndUpWithOneMoreReconnectWhenItIsBack() {
    Map<String, String> settings = Redis.clusterSettings(redis.uri(), "link:");
    settings.put("redis.timeout", "1s");
    try (StandaloneServer node = TestServers.start(settings)) {
      assertThat(link(node).path("state").asText()).isEqualTo("up");
      assertThat(link(node).path("reconnects").asLong()).isZero();

      redis.stop();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> link(node).path("state").asText().equals("down"));
      Instant down = Instant.parse(link(node).path("since").asText());

      redis.startAgain();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> link(node).path("state").asText().equals("up"));
      JsonNode up = link(node);
      assertThat(Instant.parse(up.path("since").asText())).isAfterOrEqualTo(down);
      assertThat(up.path("reconnects").asLong()).isPositive();
    }
  }
}
