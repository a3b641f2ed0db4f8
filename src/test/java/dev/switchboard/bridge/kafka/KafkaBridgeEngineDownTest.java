package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.KafkaBroker;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServers;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * While the engine (Redis) is down the bridge pauses and reads nothing; records produced meanwhile
 * stay in Kafka, show as lag, and are all published, in order, once Redis is back.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaBridgeEngineDownTest {
  private static final int RECORDS = 300;

  @Test
  void theBridgePausesWhileTheEngineIsDownAndDropsNothing() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start();
        RedisServer redis = RedisServer.start()) {
      broker.createTopic("events", 1);
      Map<String, String> settings = new HashMap<>();
      settings.put("engine", "redis");
      settings.put("redis.uri", redis.uri());
      settings.put("namespace.k.history.size", "1000");
      settings.put("bridge.kafka.e.bootstrap-servers", broker.bootstrap());
      settings.put("bridge.kafka.e.topics", "events");
      settings.put("bridge.kafka.e.channel", "k:{topic}");
      try (StandaloneServer server = TestServers.start(settings);
          KafkaProducer<byte[], byte[]> producer = KafkaBridgeEndToEndTest.producer(broker)) {
        URI http = server.httpUri();
        awaitState(http, "running");
        redis.stop();
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> Http.get(http.resolve("/ready")).status() == 503);
        awaitState(http, "paused");
        for (int n = 0; n < RECORDS; n++) {
          producer.send(KafkaBridgeEndToEndTest.record("events", 0, "k", "{\"n\":" + n + "}"));
        }
        producer.flush();
        assertThat(bridge(http).path("consumed").asLong()).isZero();
        // Paused, the consumer fetches nothing: the lag comes from the log end, asked for anew.
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> bridge(http).path("lag").asLong(-1) == RECORDS);

        redis.startAgain();
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> Http.get(http.resolve("/ready")).status() == 200);
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> bridge(http).path("published").asLong() == RECORDS);
        JsonNode history =
            Http.get(http.resolve("/api/history?channel=k:events&limit=1000")).json();
        JsonNode pubs = history.path("publications");
        assertThat(pubs).hasSize(RECORDS);
        for (int n = 0; n < RECORDS; n++) {
          assertThat(pubs.get(n).path("data").path("n").asInt()).isEqualTo(n);
        }
        assertThat(bridge(http).path("consumed").asLong()).isEqualTo(RECORDS);
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> bridge(http).path("lag").asLong(-1) == 0);
      }
    }
  }

  private static JsonNode bridge(URI http) {
    return Http.get(http.resolve("/api/stats")).json().path("bridges").get(0);
  }

  private static void awaitState(URI http, String state) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> bridge(http).path("state").asText().equals(state));
  }
}
