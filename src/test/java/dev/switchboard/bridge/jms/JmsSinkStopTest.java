package dev.switchboard.bridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.EmbeddedArtemis;
import dev.switchboard.testing.LogCapture;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * A sink's stop: what is queued is sent before the bridge's thread ends, within {@code
 * drain-timeout}; what cannot be sent by then is counted under {@code dropped} and logged, and so
 * is a publication that arrives after the thread ended.
 */
class JmsSinkStopTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Client CLIENT = new Client("c.1", null, null);

  private static JmsBridgeOptions options(String url, String drainTimeout) {
    return JmsBridgeOptions.parse(
        "out",
        Map.of(
            "url",
            url,
            "destination",
            "queue:out",
            "forward-channels",
            "chat:*",
            "drain-timeout",
            drainTimeout));
  }

  private static HubEvent publication(int n) {
    return new HubEvent.ClientPublished(
        CLIENT, "chat:1", new Payload.Json("{\"n\":" + n + "}"), n + 1, "e");
  }

  /** Runs the sink's thread to its end, failing the test if it does not end. */
  private static void runToEnd(JmsSink sink) throws InterruptedException {
    Thread t = new Thread(sink, "test-jms-sink");
    t.start();
    t.join(WAIT.toMillis());
    assertThat(t.isAlive()).as("the sink's thread ended").isFalse();
  }

  @Test
  void whatIsQueuedAtStopIsSentBeforeTheThreadEnds() throws Exception {
    try (EmbeddedArtemis artemis = EmbeddedArtemis.start();
        JMSContext jms = artemis.factory().createContext();
        JMSConsumer consumer = jms.createConsumer(jms.createQueue("out"))) {
      BridgeCounters counters = new BridgeCounters("out", BridgeCounters.Type.JMS_SINK);
      JmsSink sink = new JmsSink(options(artemis.url(), "30s"), artemis.factory(), counters);
      for (int i = 0; i < 100; i++) {
        sink.on(publication(i));
      }
      // Stopped before it sent anything: all 100 are still queued.
      sink.close(Duration.ofSeconds(30));
      runToEnd(sink);

      assertThat(counters.forwarded.sum()).isEqualTo(100);
      assertThat(counters.dropped.sum()).isZero();
      assertThat(counters.state()).isEqualTo("closed");
      for (int i = 0; i < 100; i++) {
        Message m = consumer.receive(WAIT.toMillis());
        assertThat(m.getBody(String.class)).isEqualTo("{\"n\":" + i + "}");
        assertThat(m.getLongProperty(JmsSink.OFFSET)).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void whatCannotBeSentByTheDrainTimeoutIsCountedAsDroppedAndLogged() throws Exception {
    String url;
    try (EmbeddedArtemis gone = EmbeddedArtemis.start()) {
      url = gone.url(); // nothing listens there once it is closed
    }
    BridgeCounters counters = new BridgeCounters("out", BridgeCounters.Type.JMS_SINK);
    try (LogCapture log = LogCapture.of(JmsSink.class.getName(), Level.WARN)) {
      JmsSink sink = new JmsSink(options(url, "1s"), new ActiveMQConnectionFactory(url), counters);
      for (int i = 0; i < 5; i++) {
        sink.on(publication(i));
      }
      sink.close(Duration.ofSeconds(1));
      runToEnd(sink);

      assertThat(counters.forwarded.sum()).isZero();
      assertThat(counters.dropped.sum()).isEqualTo(5);
      assertThat(counters.failures.sum()).isPositive();
      String dropped = log.next(WAIT);
      while (!dropped.contains("stopped with")) {
        dropped = log.next(WAIT); // the failed connections' warnings come first
      }
      assertThat(dropped)
          .isEqualTo(
              "JMS bridge out stopped with 5 publications not sent within drain-timeout (1000"
                  + " ms): counted as dropped");

      // After the thread ended nothing sends: a late publication is counted, not kept.
      sink.on(publication(5));
      assertThat(counters.dropped.sum()).isEqualTo(6);
      assertThat(log.next(WAIT)).isEqualTo("JMS bridge out: stopped, publication dropped");
    }
  }
}
