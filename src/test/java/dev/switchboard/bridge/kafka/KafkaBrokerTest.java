package dev.switchboard.bridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.KafkaBroker;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {
  @Test
  void aRealBrokerStartsAndCreatesTopics() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("t1", 3);
      try (Admin a = broker.admin()) {
        Set<String> names = a.listTopics().names().get(10, TimeUnit.SECONDS);
        assertThat(names).contains("t1");
      }
    }
  }
}
