package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Keys with a name in the middle set through environment variables, as containers set them. */
class EnvKeysTest {
  private static Settings load(Map<String, String> env) {
    return Settings.load(null, env, new Properties(), Map.of());
  }

  @Test
  void kafkaBridgeOptionsComeFromTheEnvironmentLongestOptionFirst() {
    Settings s =
        load(
            Map.of(
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_BOOTSTRAP_SERVERS", "kafka:9092",
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_TOPIC_PATTERN", "orders\\..*",
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_CHANNEL", "orders:{key}",
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_DEAD_LETTER_TOPIC", "orders-dead",
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_MAX_IN_FLIGHT", "100",
                "SWITCHBOARD_BRIDGE_KAFKA_EU_PAYMENTS_TOPICS", "payments"));
    Map<String, Map<String, String>> bridges = ServerConfig.from(s).kafkaBridges();
    assertThat(bridges).containsOnlyKeys("orders", "eu_payments");
    assertThat(bridges.get("orders"))
        .containsEntry("bootstrap-servers", "kafka:9092")
        .containsEntry("topic-pattern", "orders\\..*")
        .containsEntry("channel", "orders:{key}")
        .containsEntry("dead-letter-topic", "orders-dead")
        .containsEntry("max-in-flight", "100")
        .containsEntry("format", "json");
    assertThat(bridges.get("eu_payments")).containsEntry("topics", "payments");
    assertThat(s.source("bridge.kafka.orders.topic-pattern"))
        .isEqualTo("environment variable SWITCHBOARD_BRIDGE_KAFKA_ORDERS_TOPIC_PATTERN");
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void jmsBridgeOptionsComeFromTheEnvironment() {
    Settings s =
        load(
            Map.of(
                "SWITCHBOARD_BRIDGE_JMS_AUDIT_URL", "tcp://mq:61616",
                "SWITCHBOARD_BRIDGE_JMS_AUDIT_DESTINATION", "queue:audit",
                "SWITCHBOARD_BRIDGE_JMS_AUDIT_CHANNEL_PROPERTY", "target",
                "SWITCHBOARD_BRIDGE_JMS_AUDIT_PASSWORD", "secret"));
    assertThat(ServerConfig.from(s).jmsBridges())
        .containsOnlyKeys("audit")
        .extractingByKey("audit")
        .isEqualTo(
            Map.of(
                "url", "tcp://mq:61616",
                "destination", "queue:audit",
                "channel-property", "target",
                "password", "secret"));
  }

  @Test
  void theEnvironmentOverridesTheFileAndSystemPropertiesOverrideTheEnvironment() throws Exception {
    Path file = Files.createTempFile("switchboard", ".properties");
    Files.writeString(
        file, "bridge.kafka.orders.topics=from-file\nbridge.kafka.orders.group=from-file\n");
    Properties props = new Properties();
    props.setProperty("switchboard.bridge.kafka.orders.group", "from-property");
    Settings s =
        Settings.load(
            file,
            Map.of(
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_TOPICS", "from-env",
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_GROUP", "from-env"),
            props,
            Map.of());
    assertThat(s.get("bridge.kafka.orders.topics")).isEqualTo("from-env");
    assertThat(s.get("bridge.kafka.orders.group")).isEqualTo("from-property");
  }

  @Test
  void aVariableMatchingNoOptionIsOnlyWarnedAbout() {
    Settings s =
        load(
            Map.of(
                "SWITCHBOARD_BRIDGE_KAFKA_ORDERS_TOPIK", "orders",
                "SWITCHBOARD_BRIDGE_KAFKA_TOPICS", "no name"));
    assertThat(ServerConfig.from(s).kafkaBridges()).isEmpty();
    assertThat(s.warnings())
        .hasSize(2)
        .allSatisfy(w -> assertThat(w).startsWith("unknown environment variable"));
  }

  @Test
  void proxyKeysAreFixedKeysWithTheirOwnVariables() {
    Settings s = load(Map.of("SWITCHBOARD_PROXY_CONNECT_URL", "http://backend:8080/connect"));
    assertThat(s.get("proxy.connect.url")).isEqualTo("http://backend:8080/connect");
  }
}
