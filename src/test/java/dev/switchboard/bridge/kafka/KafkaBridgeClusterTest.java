package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.KafkaBroker;
import dev.switchboard.testing.Nginx;
import dev.switchboard.testing.NodeProcess;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes of a Redis cluster run the same bridge in one consumer group: Kafka gives each some of
 * the topic's partitions, so the bridge runs once per cluster and every record reaches a subscriber
 * on a third node once, in its partition's order. Then one node is stopped gracefully while records
 * keep coming: its partitions move to the other node, and still nothing is lost or repeated.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaBridgeClusterTest {
  private static final int PARTITIONS = 4;
  private static final int FIRST = 5_000;
  private static final int SECOND = 5_000;
  private static final int CHUNK = 250;
  private static final String GROUP = "switchboard-s";

  @Test
  void twoNodesShareThePartitionsAndAStoppedNodeHandsThemOver() throws Exception {
    Path dir = Files.createTempDirectory("kafka-cluster");
    String prefix = Redis.freshPrefix();
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("stream", PARTITIONS);
      Map<String, String> cluster = ClusterSettings.engine(Redis.URI, prefix, 20_000, "10m");
      Map<String, String> bridged = ClusterSettings.bridged(cluster, broker, 200, 10_000);
      bridged.put("shutdown.spread", "1s");
      Deliveries got = new Deliveries("k:stream-", PARTITIONS);
      try (StandaloneServer reader = TestServers.start(cluster);
          WsClient sub = WsClient.connect(reader.wsUri().resolve("/ws"));
          KafkaProducer<byte[], byte[]> producer = KafkaBridgeEndToEndTest.producer(broker);
          NodeProcess a = NodeProcess.start(bridged, Nginx.freePort(), dir.resolve("a.log"));
          NodeProcess b = NodeProcess.start(bridged, Nginx.freePort(), dir.resolve("b.log"))) {
        got.subscribe(sub);
        awaitMembersWithPartitions(broker, 2);

        got.produce(producer, "stream", 0, FIRST);
        got.read(sub, FIRST);
        Deliveries.awaitCommitted(broker, GROUP, FIRST);
        JsonNode onA = bridge(a);
        JsonNode onB = bridge(b);
        assertThat(onA.path("consumed").asLong()).as("consumed on a").isPositive();
        assertThat(onB.path("consumed").asLong()).as("consumed on b").isPositive();
        assertThat(onA.path("published").asLong() + onB.path("published").asLong())
            .isEqualTo(FIRST);

        // Records keep coming while a stops: some before, some during its stop, some after.
        CompletableFuture<Integer> stopped = null;
        for (int from = FIRST; from < FIRST + SECOND; from += CHUNK) {
          if (stopped == null && from >= FIRST + SECOND / 3) {
            stopped = CompletableFuture.supplyAsync(a::stop);
          }
          got.produce(producer, "stream", from, from + CHUNK);
          got.read(sub, Math.max(0, from - 2 * CHUNK - got.count()));
        }
        got.read(sub, FIRST + SECOND - got.count());
        assertThat(stopped).isNotNull();
        stopped.get(60, TimeUnit.SECONDS);
        assertThat(a.log()).contains("Switchboard stopped");
        Deliveries.awaitCommitted(broker, GROUP, FIRST + SECOND);
        got.assertEachOnceInOrder(FIRST + SECOND, reader.httpUri());
        sub.ok(Command.Ping::new);
        assertThat(sub.hasMessage()).isFalse();
        JsonNode after = bridge(b);
        assertThat(after.path("state").asText()).isEqualTo("running");
        // The stopped node committed what it had published before it left the group, so the
        // node that took its partitions over read nothing again.
        assertThat(after.path("duplicates").asLong()).isZero();
      } finally {
        Redis.deleteAll(Redis.URI, prefix);
      }
    }
  }

  private static JsonNode bridge(NodeProcess node) {
    return Http.get(node.httpUri().resolve("/api/stats")).json().path("bridges").get(0);
  }

  /** Waits until the group has {@code members} members, each assigned at least one partition. */
  private static void awaitMembersWithPartitions(KafkaBroker broker, int members) {
    try (Admin admin = broker.admin()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                ConsumerGroupDescription group =
                    admin
                        .describeConsumerGroups(java.util.List.of(GROUP))
                        .describedGroups()
                        .get(GROUP)
                        .get(5, TimeUnit.SECONDS);
                return group.members().size() == members
                    && group.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
              });
    }
  }
}
