package dev.switchboard.bridge.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The kafka-clients settings of a bridge's consumer and dead-letter producer. */
final class KafkaClients {
  private KafkaClients() {}

  static Map<String, Object> consumer(KafkaBridgeSettings s) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-" + s.name());
    // Offsets are committed by the bridge, after the hub accepted the publications.
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, s.start());
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, s.maxInFlight());
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, s.sessionTimeoutMs());
    // Kafka's rule: heartbeats at most a third of the session timeout.
    c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.min(3000, s.sessionTimeoutMs() / 3));
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return c;
  }

  static Map<String, Object> producer(KafkaBridgeSettings s) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-" + s.name() + "-dead-letters");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return p;
  }
}
