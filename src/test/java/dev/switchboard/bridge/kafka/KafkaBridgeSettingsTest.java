package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaBridgeSettingsTest {
  private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, String key) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>(
            topic, partition, 42L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), null);
    r.headers().add("tenant", "acme".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  @Test
  void theTemplateFillsTopicPartitionKeyAndHeaders() {
    ChannelTemplate t = ChannelTemplate.parse("t:{header.tenant}/{topic}-{partition}-{key}");
    assertThat(t.channelOf(record("orders", 2, "k1"))).isEqualTo("t:acme/orders-2-k1");
    assertThat(t.channelOf(record("orders", 2, null))).isNull();
    assertThat(ChannelTemplate.parse("x:{header.missing}").channelOf(record("o", 0, "k"))).isNull();
    assertThatThrownBy(() -> ChannelTemplate.parse("x:{nope}"))
        .hasMessageContaining("unknown placeholder {nope}");
    assertThatThrownBy(() -> ChannelTemplate.parse("x:{topic")).hasMessageContaining("unclosed");
  }

  @Test
  void theIdempotencyKeyNamesTopicPartitionAndOffsetAndFitsTheLimit() {
    assertThat(KafkaBridge.key(record("orders", 2, "k"))).isEqualTo("kafka:orders:2:42");
    String longTopic = "t".repeat(249);
    assertThat(KafkaBridge.key(record(longTopic, 2, "k"))).hasSizeLessThanOrEqualTo(128);
  }

  @Test
  void bridgeKeysAreReadWithDefaultsAndChecked() {
    ServerConfig c =
        ServerConfig.defaults(
            Map.of(
                "bridge.kafka.a.bootstrap-servers", "127.0.0.1:9092",
                "bridge.kafka.a.topics", "x, y",
                "bridge.kafka.a.channel", "k:{key}"));
    Map<String, String> a = c.kafkaBridges().get("a");
    KafkaBridgeSettings s = KafkaBridgeSettings.parse("a", a);
    assertThat(s.topics()).containsExactly("x", "y");
    assertThat(s.group()).isEqualTo("switchboard-a");
    assertThat(s.binary()).isFalse();
    assertThat(s.start()).isEqualTo("earliest");
    assertThat(s.maxInFlight()).isEqualTo(500);
    assertThat(s.deadLetterTopic()).isEmpty();

    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("bridge.kafka.a.topicz", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown configuration key 'bridge.kafka.a.topicz'");
    assertThatThrownBy(() -> KafkaBridgeSettings.parse("a", Map.of("channel", "k")))
        .hasMessage("bootstrap-servers is required");
    Map<String, String> both =
        Map.of("bootstrap-servers", "h:1", "channel", "k", "topics", "x", "topic-pattern", "x.*");
    assertThatThrownBy(() -> KafkaBridgeSettings.parse("a", both))
        .hasMessage("set exactly one of topics and topic-pattern");
    Map<String, String> format =
        Map.of("bootstrap-servers", "h:1", "channel", "k", "topics", "x", "format", "xml");
    assertThatThrownBy(() -> KafkaBridgeSettings.parse("a", format))
        .hasMessage("format: json or binary, not xml");
    Map<String, String> inFlight =
        Map.of("bootstrap-servers", "h:1", "channel", "k", "topics", "x", "max-in-flight", "0");
    assertThatThrownBy(() -> KafkaBridgeSettings.parse("a", inFlight))
        .hasMessage("max-in-flight: 1 to 10000");
  }

  @Test
  void aWrongBridgeStopsTheServerFromStartingNamingTheKey() {
    assertThatThrownBy(
            () ->
                dev.switchboard.testing.TestServers.start(
                    Map.of(
                        "bridge.kafka.b.bootstrap-servers", "127.0.0.1:1",
                        "bridge.kafka.b.topics", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bridge.kafka.b: channel is required");
  }
}
