package dev.switchboard.assembly;

import dev.switchboard.bridge.kafka.KafkaBridgeSettings;
import dev.switchboard.bridge.kafka.KafkaBridges;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.http.HttpApi;
import dev.switchboard.hub.Hub;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Starts the Kafka bridges the configuration names ({@code bridge.kafka.<name>.*}) and lists them
 * in {@code /api/stats}. Without such keys nothing of Kafka is loaded, so an application (or the
 * WAR) without kafka-clients runs as before.
 */
final class KafkaBridging {
  /** A class of kafka-clients, looked up before any bridge class is loaded. */
  private static final String CONSUMER = "org.apache.kafka.clients.consumer.KafkaConsumer";

  private KafkaBridging() {}

  /**
   * The bridges the configuration names, checked; empty when none is.
   *
   * @throws ConfigException when a bridge's option is wrong, or kafka-clients is missing
   */
  static List<KafkaBridgeSettings> settings(ServerConfig config) {
    Map<String, Map<String, String>> configured = config.kafkaBridges();
    if (configured.isEmpty()) {
      return List.of();
    }
    try {
      Class.forName(CONSUMER, false, KafkaBridging.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ConfigException(
          "bridge.kafka.* is set but kafka-clients is not on the class path: add"
              + " org.apache.kafka:kafka-clients to the application (the WAR leaves it out)");
    }
    try {
      return KafkaBridges.parse(configured);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + " (see docs/INTEGRATION.md)");
    }
  }

  /** Starts {@code settings}' bridges and lists them in /api/stats; null when there are none. */
  static @Nullable KafkaBridges start(List<KafkaBridgeSettings> settings, Hub hub, HttpApi api) {
    if (settings.isEmpty()) {
      return null;
    }
    KafkaBridges bridges = KafkaBridges.start(settings, hub);
    api.reportBridges(bridges::reports);
    return bridges;
  }
}
