package dev.switchboard.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One bridge of each type for tests that look at bridge figures (/api/stats, /metrics, the
 * dashboard): a JMS source {@value #SOURCE} (queue {@code in} to channel {@code bridged}) and a JMS
 * sink {@value #SINK} ({@code chat:*} to queue {@code out}) on an embedded Artemis, and a Kafka
 * bridge {@value #KAFKA} whose broker is not there: it is listed, with every series of its type,
 * while it tries to connect (cheaper than a Kafka broker).
 */
public final class BridgeFixture implements AutoCloseable {
  public static final String SOURCE = "in";
  public static final String SINK = "out";
  public static final String KAFKA = "k";

  private final EmbeddedArtemis artemis = EmbeddedArtemis.start();

  private BridgeFixture() {}

  public static BridgeFixture start() {
    return new BridgeFixture();
  }

  /** The three bridges' configuration keys, to add to a server's settings. */
  public Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("bridge.jms." + SOURCE + ".url", artemis.url());
    s.put("bridge.jms." + SOURCE + ".destination", "queue:in");
    s.put("bridge.jms." + SOURCE + ".channel", "bridged");
    s.put("bridge.jms." + SINK + ".url", artemis.url());
    s.put("bridge.jms." + SINK + ".destination", "queue:out");
    s.put("bridge.jms." + SINK + ".forward-channels", "chat:*");
    // A port nobody listens on: the bridge keeps trying, its figures stay listed.
    s.put("bridge.kafka." + KAFKA + ".bootstrap-servers", "127.0.0.1:" + RedisServer.freePort());
    s.put("bridge.kafka." + KAFKA + ".topics", "events");
    s.put("bridge.kafka." + KAFKA + ".channel", "k:{topic}");
    return s;
  }

  /**
   * Sends {@code good} valid messages and one that is not JSON to the source's queue, then waits
   * until the server at {@code http} lists them all as consumed.
   *
   * @param headers request headers for {@code /api/stats} (an API key where the server has keys)
   */
  public void feedSource(URI http, int good, String... headers) {
    try (JMSContext jms = artemis.factory().createContext()) {
      Queue queue = jms.createQueue("in");
      JMSProducer producer = jms.createProducer();
      for (int i = 0; i < good; i++) {
        producer.send(queue, "{\"n\":" + i + "}");
      }
      producer.send(queue, "{not json");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> bridge(http, SOURCE, headers).path("consumed").asLong() == good + 1);
  }

  /** The {@code /api/stats} entry of the bridge {@code name}. */
  public static JsonNode bridge(URI http, String name, String... headers) {
    JsonNode all = Http.get(http.resolve("/api/stats"), headers).json().path("bridges");
    for (JsonNode b : all) {
      if (b.path("name").asText().equals(name)) {
        return b;
      }
    }
    throw new AssertionError("no bridge " + name + " in " + all);
  }

  @Override
  public void close() throws Exception {
    artemis.close();
  }
}
