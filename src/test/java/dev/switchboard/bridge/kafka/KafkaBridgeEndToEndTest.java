package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.KafkaBroker;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real KRaft broker and a real standalone server with a bridge: records of three partitions reach
 * a WebSocket subscriber in their partitions' order, once each, with consecutive channel offsets;
 * malformed records go to the dead-letter topic and are counted in /api/stats.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaBridgeEndToEndTest {
  private static final int RECORDS = 10_000;
  private static final int PARTITIONS = 3;

  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));
  }

  static ProducerRecord<byte[], byte[]> record(String topic, int partition, String key, String v) {
    return new ProducerRecord<>(
        topic, partition, key.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyRecordReachesItsChannelOnceInPartitionOrder() throws Exception {
    broker.createTopic("orders", PARTITIONS);
    broker.createTopic("orders-dead", 1);
    Map<String, String> settings = new HashMap<>();
    settings.put("namespace.k.history.size", "20000");
    settings.put("namespace.k.max-message-size", "1KiB");
    settings.put("bridge.kafka.orders.bootstrap-servers", broker.bootstrap());
    settings.put("bridge.kafka.orders.topics", "orders");
    settings.put("bridge.kafka.orders.channel", "k:{topic}-{key}");
    settings.put("bridge.kafka.orders.dead-letter-topic", "orders-dead");
    try (StandaloneServer server = TestServers.start(settings);
        WsClient sub = WsClient.connect(server.wsUri().resolve("/ws"));
        KafkaProducer<byte[], byte[]> producer = producer(broker)) {
      for (int p = 0; p < PARTITIONS; p++) {
        String channel = "k:orders-p" + p;
        sub.ok(id -> new Command.Subscribe(id, channel));
      }
      producer.send(record("orders", 0, "p0", "{not json"));
      producer.send(record("orders", 1, "bad key!", "{}"));
      producer.send(record("orders", 2, "p2", "\"" + "x".repeat(2000) + "\""));
      for (int n = 0; n < RECORDS; n++) {
        int p = n % PARTITIONS;
        producer.send(record("orders", p, "p" + p, "{\"n\":" + n + "}"));
      }
      producer.flush();

      Map<String, List<Integer>> seen = new HashMap<>();
      Map<String, List<Long>> offsets = new HashMap<>();
      for (int i = 0; i < RECORDS; i++) {
        ServerMessage.Publication pub = (ServerMessage.Publication) sub.nextMessage();
        JsonNode data = WsClient.parse(((Payload.Json) pub.payload()).json());
        seen.computeIfAbsent(pub.channel(), c -> new ArrayList<>()).add(data.path("n").asInt());
        offsets.computeIfAbsent(pub.channel(), c -> new ArrayList<>()).add(pub.offset());
      }
      sub.ok(Command.Ping::new); // nothing more came before its reply: no duplicates
      assertThat(seen).hasSize(PARTITIONS);
      for (int p = 0; p < PARTITIONS; p++) {
        List<Integer> expected = new ArrayList<>();
        for (int n = p; n < RECORDS; n += PARTITIONS) {
          expected.add(n);
        }
        assertThat(seen.get("k:orders-p" + p)).containsExactlyElementsOf(expected);
        List<Long> o = offsets.get("k:orders-p" + p);
        for (int i = 0; i < o.size(); i++) {
          assertThat(o.get(i)).isEqualTo(o.get(0) + i);
        }
      }

      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode b =
                    Http.get(server.httpUri().resolve("/api/stats")).json().path("bridges");
                assertThat(b).hasSize(1);
                assertThat(b.get(0).path("name").asText()).isEqualTo("orders");
                assertThat(b.get(0).path("type").asText()).isEqualTo("kafka");
                assertThat(b.get(0).path("state").asText()).isEqualTo("running");
                assertThat(b.get(0).path("consumed").asLong()).isEqualTo(RECORDS + 3);
                assertThat(b.get(0).path("published").asLong()).isEqualTo(RECORDS);
                assertThat(b.get(0).path("duplicates").asLong()).isZero();
                assertThat(b.get(0).path("dead_lettered").asLong()).isEqualTo(3);
                JsonNode m = b.get(0).path("malformed");
                assertThat(m.path("bad_json").asLong()).isEqualTo(1);
                assertThat(m.path("no_channel").asLong()).isEqualTo(1);
                assertThat(m.path("oversized").asLong()).isEqualTo(1);
                assertThat(b.get(0).path("lag").asLong(-1)).as("all read").isZero();
              });
      assertThat(deadLetters("orders-dead", 3))
          .containsExactlyInAnyOrder("bad_json", "no_channel", "oversized");
    }
  }

  /** The malformed kinds of the first {@code count} records of {@code topic}. */
  private static List<String> deadLetters(String topic, int count) {
    List<String> kinds = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dead-letter-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
      c.subscribe(List.of(topic));
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                  kinds.add(
                      new String(
                          r.headers().lastHeader("switchboard.malformed").value(),
                          StandardCharsets.UTF_8));
                }
                return kinds.size() >= count;
              });
    }
    return kinds;
  }
}
