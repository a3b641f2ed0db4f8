package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.KafkaBroker;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * What a subscriber received from a bridged topic whose record {@code n} went to partition {@code n
 * % partitions} with key {@code p<partition>} and value {@code {"n":n}}, and the checks that it
 * received each record once, in partition order. Not thread-safe: the test's thread reads.
 */
final class Deliveries {
  private final String channelPrefix;
  private final int partitions;
  private final Map<String, List<Integer>> seen = new HashMap<>();
  private final Map<String, List<Long>> offsets = new HashMap<>();
  private int count;

  /** Channels are {@code channelPrefix + "p" + partition}. */
  Deliveries(String channelPrefix, int partitions) {
    this.channelPrefix = channelPrefix;
    this.partitions = partitions;
  }

  String channel(int partition) {
    return channelPrefix + "p" + partition;
  }

  /** Subscribes {@code sub} to every partition's channel. */
  void subscribe(WsClient sub) {
    for (int p = 0; p < partitions; p++) {
      String channel = channel(p);
      sub.ok(id -> new Command.Subscribe(id, channel));
    }
  }

  int count() {
    return count;
  }

  /** Reads {@code n} publications, noting each one's {@code n} and offset by channel. */
  void read(WsClient sub, int n) {
    for (int i = 0; i < n; i++) {
      ServerMessage.Publication pub = (ServerMessage.Publication) sub.nextMessage();
      JsonNode data = WsClient.parse(((Payload.Json) pub.payload()).json());
      seen.computeIfAbsent(pub.channel(), c -> new ArrayList<>()).add(data.path("n").asInt());
      offsets.computeIfAbsent(pub.channel(), c -> new ArrayList<>()).add(pub.offset());
      count++;
    }
  }

  /**
   * Asserts that records 0 to {@code records - 1} arrived once each in partition order with
   * consecutive offsets, and that each channel's history (on the node at {@code http}) ends at the
   * last offset received: no repeat was appended a second time. Call once every record is
   * committed, so that every publication has completed.
   */
  void assertEachOnceInOrder(int records, URI http) {
    assertThat(count).isEqualTo(records);
    for (int p = 0; p < partitions; p++) {
      List<Integer> expected = new ArrayList<>();
      for (int n = p; n < records; n += partitions) {
        expected.add(n);
      }
      assertThat(seen.get(channel(p))).as(channel(p)).containsExactlyElementsOf(expected);
      List<Long> o = offsets.get(channel(p));
      for (int i = 0; i < o.size(); i++) {
        assertThat(o.get(i)).isEqualTo(o.get(0) + i);
      }
      JsonNode history =
          Http.get(http.resolve("/api/history?channel=" + channel(p) + "&limit=0")).json();
      assertThat(history.path("offset").asLong()).isEqualTo(o.get(o.size() - 1));
    }
  }

  /** Sends records {@code from} to {@code to - 1} of {@code topic} (see the class comment). */
  void produce(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
    for (int n = from; n < to; n++) {
      int p = n % partitions;
      producer.send(KafkaBridgeEndToEndTest.record(topic, p, "p" + p, "{\"n\":" + n + "}"));
    }
    producer.flush();
  }

  /** Waits until {@code group} has committed {@code records} records over all partitions. */
  static void awaitCommitted(KafkaBroker broker, String group, long records) {
    try (Admin admin = broker.admin()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin
                        .listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                long sum =
                    committed.values().stream()
                        .filter(o -> o != null)
                        .mapToLong(OffsetAndMetadata::offset)
                        .sum();
                return sum == records;
              });
    }
  }
}
