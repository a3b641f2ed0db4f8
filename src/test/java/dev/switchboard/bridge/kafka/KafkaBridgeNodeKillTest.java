package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.KafkaBroker;
import dev.switchboard.testing.Nginx;
import dev.switchboard.testing.NodeProcess;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node running a bridge is killed with SIGKILL mid-stream (publications accepted but not yet
 * committed in Kafka, a batch in flight); a new node takes its place in the consumer group and
 * reads again from the last committed offsets. A subscriber on another node of the Redis cluster
 * receives all 10,000 records once each, in partition order, and the channels' histories hold
 * exactly 10,000 publications: the replayed ones were repeats of their idempotency keys.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaBridgeNodeKillTest {
  private static final int RECORDS = 10_000;
  private static final int PARTITIONS = 3;
  private static final int KILL_AFTER = 3_500;

  @Test
  void aKilledNodeLosesNothingAndDeliversNothingTwice() throws Exception {
    Path dir = Files.createTempDirectory("kafka-kill");
    try (KafkaBroker broker = KafkaBroker.start();
        RedisServer redis = RedisServer.start()) {
      broker.createTopic("stream", PARTITIONS);
      Map<String, String> cluster = ClusterSettings.engine(redis.uri(), null, 20_000, "1h");
      Map<String, String> bridged = ClusterSettings.bridged(cluster, broker, 1000, 3000);
      try (StandaloneServer reader = TestServers.start(cluster);
          WsClient sub = WsClient.connect(reader.wsUri().resolve("/ws"));
          KafkaProducer<byte[], byte[]> producer = KafkaBridgeEndToEndTest.producer(broker)) {
        Deliveries got = new Deliveries("k:stream-", PARTITIONS);
        got.subscribe(sub);
        got.produce(producer, "stream", 0, RECORDS);

        NodeProcess first = NodeProcess.start(bridged, Nginx.freePort(), dir.resolve("a.log"));
        NodeProcess second;
        try {
          got.read(sub, KILL_AFTER);
          first.kill();
        } finally {
          first.close();
        }
        second = NodeProcess.start(bridged, Nginx.freePort(), dir.resolve("b.log"));
        try (second) {
          got.read(sub, RECORDS - KILL_AFTER);
          Deliveries.awaitCommitted(broker, "switchboard-s", RECORDS);
          // Every record is committed, so every publish has completed: the histories end at the
          // last offsets received, so no replayed record was appended a second time.
          got.assertEachOnceInOrder(RECORDS, reader.httpUri());
          sub.ok(Command.Ping::new);
          assertThat(sub.hasMessage()).isFalse();
          JsonNode stats = Http.get(second.httpUri().resolve("/api/stats")).json().path("bridges");
          // The new node read again what the killed one had not committed: the records it
          // published before dying come back as repeats (1,000 in the runs here: a whole batch).
          JsonNode b = stats.get(0);
          assertThat(b.path("published").asLong()).isLessThan(RECORDS);
          assertThat(b.path("published").asLong() + b.path("duplicates").asLong())
              .isEqualTo(b.path("consumed").asLong());
        }
      }
    }
  }
}
