package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node running a bridge freezes (SIGSTOP, as in a long GC pause or a stalled VM) mid-stream for
 * longer than the session timeout, so Kafka drops it from the group; when it wakes up, its batch's
 * commit is refused. The bridge must carry on: it rejoins, reads again from the last committed
 * offsets, and a subscriber on another node still gets every record once, in partition order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaBridgePauseTest {
  private static final int RECORDS = 20_000;
  private static final int PARTITIONS = 2;
  private static final int PAUSE_AFTER = 4_000;
  private static final String GROUP = "switchboard-s";

  @Test
  void aNodeDroppedFromTheGroupDuringAPauseKeepsBridging() throws Exception {
    Path dir = Files.createTempDirectory("kafka-pause");
    String prefix = Redis.freshPrefix();
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("stream", PARTITIONS);
      Map<String, String> cluster = ClusterSettings.engine(Redis.URI, prefix, 30_000, "10m");
      Map<String, String> bridged = ClusterSettings.bridged(cluster, broker, 1000, 3000);
      Deliveries got = new Deliveries("k:stream-", PARTITIONS);
      try (StandaloneServer reader = TestServers.start(cluster);
          WsClient sub = WsClient.connect(reader.wsUri().resolve("/ws"));
          KafkaProducer<byte[], byte[]> producer = KafkaBridgeEndToEndTest.producer(broker)) {
        got.subscribe(sub);
        got.produce(producer, "stream", 0, RECORDS);
        try (NodeProcess node =
            NodeProcess.start(bridged, Nginx.freePort(), dir.resolve("node.log"))) {
          got.read(sub, PAUSE_AFTER);
          node.suspend();
          try {
            awaitNoMembers(broker);
          } finally {
            node.resume();
          }
          got.read(sub, RECORDS - PAUSE_AFTER);
          Deliveries.awaitCommitted(broker, GROUP, RECORDS);
          got.assertEachOnceInOrder(RECORDS, reader.httpUri());
          sub.ok(Command.Ping::new);
          assertThat(sub.hasMessage()).isFalse();
          assertThat(
                  Http.get(node.httpUri().resolve("/api/stats"))
                      .json()
                      .path("bridges")
                      .get(0)
                      .path("state")
                      .asText())
              .as(node.log())
              .isEqualTo("running");
        }
      } finally {
        Redis.deleteAll(Redis.URI, prefix);
      }
    }
  }

  /** Waits until Kafka has dropped the frozen node: the group has no member left. */
  private static void awaitNoMembers(KafkaBroker broker) {
    try (Admin admin = broker.admin()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  admin
                      .describeConsumerGroups(List.of(GROUP))
                      .describedGroups()
                      .get(GROUP)
                      .get(5, TimeUnit.SECONDS)
                      .members()
                      .isEmpty());
    }
  }
}
