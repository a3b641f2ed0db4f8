package dev.switchboard.bridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.EmbeddedArtemis;
import dev.switchboard.testing.ForwardingBroker;
import jakarta.jms.JMSContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A source bridge receives nothing while the engine is not ready and resumes when it is. */
class JmsSourcePauseTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** An engine whose readiness the test switches, recording what is published through it. */
  private static final class SwitchedBroker extends ForwardingBroker {
    final AtomicBoolean ready = new AtomicBoolean();
    final List<String> published = new CopyOnWriteArrayList<>();

    SwitchedBroker() {
      super(new MemoryBroker(Duration.ofMinutes(5)));
    }

    @Override
    public boolean isReady() {
      return ready.get();
    }

    @Override
    public CompletionStage<PublishResult> publish(
        String channel, Payload payload, PublishOptions options) {
      published.add(((Payload.Json) payload).json());
      return super.publish(channel, payload, options);
    }
  }

  @Test
  void whileTheEngineIsNotReadyNothingIsReceivedAndTheMessageIsPublishedOnceItIs()
      throws Exception {
    SwitchedBroker broker = new SwitchedBroker();
    Hub hub = Hub.start(HubOptions.defaults(), broker, new MemoryPresenceStore());
    try (EmbeddedArtemis artemis = EmbeddedArtemis.start();
        JMSContext jms = artemis.factory().createContext()) {
      JmsBridgeOptions options =
          JmsBridgeOptions.parse(
              "q", Map.of("url", artemis.url(), "destination", "queue:q", "channel", "q"));
      BridgeCounters counters = new BridgeCounters("q", BridgeCounters.Type.JMS_SOURCE);
      JmsSource source = new JmsSource(options, artemis.factory(), hub, counters);
      jms.createProducer().send(jms.createQueue("q"), "{\"a\":1}");
      Thread t = new Thread(source, "test-jms-source");
      t.start();
      try {
        await().atMost(WAIT).until(() -> counters.state().equals("paused"));
        assertThat(counters.consumed.sum()).isZero();
        assertThat(broker.published).isEmpty();

        broker.ready.set(true);
        await().atMost(WAIT).until(() -> counters.published.sum() == 1);
        assertThat(broker.published).containsExactly("{\"a\":1}");
        assertThat(counters.consumed.sum()).isEqualTo(1);
      } finally {
        source.close();
        t.join(WAIT.toMillis());
      }
    } finally {
      hub.close();
    }
  }
}
