package dev.switchboard.bridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.http.ApiKey;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.BridgeFixture;
import dev.switchboard.testing.EmbeddedArtemis;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JMS bridges on a real standalone server against an embedded ActiveMQ Artemis broker, with
 * real WebSocket clients.
 */
class JmsBridgeEndToEndTest {
  private static final String KEY = "jms-test-key-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private EmbeddedArtemis artemis;

  @BeforeEach
  void startBroker() {
    artemis = EmbeddedArtemis.start();
  }

  @AfterEach
  void stopBroker() throws Exception {
    artemis.close();
  }

  private StandaloneServer server(Map<String, String> bridges) {
    Map<String, String> settings = new HashMap<>(bridges);
    settings.put("api.keys", ApiKey.forConfig("test", KEY, ApiKey.Scope.ADMIN));
    return TestServers.start(settings);
  }

  private static JsonNode bridgeStats(StandaloneServer server, String name) {
    return BridgeFixture.bridge(server.httpUri(), name, "Authorization", "Bearer " + KEY);
  }

  private static URI ws(StandaloneServer s) {
    return s.wsUri().resolve("/ws");
  }

  @Test
  void aThousandTextMessagesArriveInOrderExactlyOnceAtAWebSocketSubscriber() {
    try (StandaloneServer server =
            server(
                Map.of(
                    "bridge.jms.orders.url", artemis.url(),
                    "bridge.jms.orders.destination", "queue:orders",
                    "bridge.jms.orders.channel", "orders"));
        WsClient subscriber = WsClient.connect(ws(server));
        JMSContext jms = artemis.factory().createContext()) {
      subscriber.ok(id -> new Command.Subscribe(id, "orders"));
      Queue queue = jms.createQueue("orders");
      JMSProducer producer = jms.createProducer();
      for (int i = 0; i < 1000; i++) {
        producer.send(queue, "{\"n\":" + i + "}");
      }
      producer.send(queue, "\"end\"");

      for (int i = 0; i < 1000; i++) {
        JsonNode push = subscriber.nextJson();
        assertThat(push.path("channel").asText()).isEqualTo("orders");
        assertThat(push.path("data").path("n").asInt()).as("message %d", i).isEqualTo(i);
      }
      // Nothing twice: the marker sent last is the very next publication.
      assertThat(subscriber.nextJson().path("data").asText()).isEqualTo("end");
      JsonNode stats = bridgeStats(server, "orders");
      assertThat(stats.path("type").asText()).isEqualTo("jms-source");
      assertThat(stats.path("state").asText()).isEqualTo("running");
      assertThat(stats.path("consumed").asLong()).isEqualTo(1001);
      assertThat(stats.path("published").asLong()).isEqualTo(1001);
      assertThat(stats.path("duplicates").asLong()).isZero();
      assertThat(stats.path("failures").asLong()).isZero();
      assertThat(stats.path("malformed").isObject()).isTrue();
      assertThat(stats.get("lag").isNull())
          .as("a JMS source cannot see its queue's depth")
          .isTrue();
    }
  }

  @Test
  void aMessageRedeliveredAfterItsPublishIsNotPublishedTwice() throws Exception {
    try (StandaloneServer server = server(Map.of());
        WsClient subscriber = WsClient.connect(ws(server));
        JMSContext jms = artemis.factory().createContext()) {
      subscriber.ok(id -> new Command.Subscribe(id, "prices"));
      JmsBridgeOptions options =
          JmsBridgeOptions.parse(
              "prices",
              Map.of(
                  "url", artemis.url(),
                  "destination", "queue:prices",
                  "channel", "prices"));
      BridgeCounters counters = new BridgeCounters("prices", BridgeCounters.Type.JMS_SOURCE);
      AtomicBoolean failedOnce = new AtomicBoolean();
      // The first commit is lost as a dropped connection loses it: after the hub accepted it.
      Runnable loseFirstCommit =
          () -> {
            if (failedOnce.compareAndSet(false, true)) {
              throw new JMSRuntimeException("connection lost before the commit (test)");
            }
          };
      JmsSource source =
          new JmsSource(
              options, artemis.factory(), server.assembly().hub(), counters, loseFirstCommit);
      Thread t = new Thread(source, "test-jms-source");
      t.start();
      try {
        JMSProducer producer = jms.createProducer();
        producer.send(jms.createQueue("prices"), "{\"p\":1}");
        producer.send(jms.createQueue("prices"), "{\"p\":2}");

        assertThat(subscriber.nextJson().path("data").path("p").asInt()).isEqualTo(1);
        assertThat(subscriber.nextJson().path("data").path("p").asInt()).isEqualTo(2);
        await().atMost(WAIT).until(() -> counters.published.sum() == 2);
        assertThat(counters.consumed.sum()).isEqualTo(3); // the first one twice
        assertThat(counters.duplicates.sum()).isEqualTo(1);
        assertThat(counters.failures.sum()).isEqualTo(1);
      } finally {
        source.close();
        t.join(WAIT.toMillis());
      }
    }
  }

  @Test
  void malformedMessagesAreCountedByKindAndTheBridgeGoesOn() {
    try (StandaloneServer server =
            server(
                Map.of(
                    "bridge.jms.feed.url", artemis.url(),
                    "bridge.jms.feed.destination", "topic:feed",
                    "bridge.jms.feed.channel-property", "channel"));
        WsClient subscriber = WsClient.connect(ws(server));
        JMSContext jms = artemis.factory().createContext()) {
      subscriber.ok(id -> new Command.Subscribe(id, "feed:a"));
      // A topic keeps nothing for absent subscribers: wait for the bridge's consumer.
      await()
          .atMost(WAIT)
          .until(() -> bridgeStats(server, "feed").path("state").asText().equals("running"));
      var topic = jms.createTopic("feed");
      JMSProducer producer = jms.createProducer();
      producer.setProperty("channel", "feed:a").send(topic, "not json");
      producer.setProperty("channel", "feed:a").send(topic, jms.createMessage());
      jms.createProducer().send(topic, "{\"x\":0}"); // no channel property
      producer.setProperty("channel", "feed:a").send(topic, new byte[] {1, 2, 3});
      producer.setProperty("channel", "feed:a").send(topic, "{\"x\":1}");

      ServerMessage.Publication binary = (ServerMessage.Publication) subscriber.nextBinaryMessage();
      assertThat(((Payload.Binary) binary.payload()).bytes()).containsExactly(1, 2, 3);
      assertThat(subscriber.nextJson().path("data").path("x").asInt()).isEqualTo(1);
      JsonNode stats = bridgeStats(server, "feed");
      assertThat(stats.path("malformed").path("bad_json").asLong()).isEqualTo(1);
      assertThat(stats.path("malformed").path("unsupported_type").asLong()).isEqualTo(1);
      assertThat(stats.path("malformed").path("no_channel").asLong()).isEqualTo(1);
      assertThat(stats.path("published").asLong()).isEqualTo(2);
      assertThat(stats.path("state").asText()).isEqualTo("running");
    }
  }

  @Test
  void aClientPublicationOnAForwardedChannelReachesTheQueueWithItsChannelAndOffset()
      throws Exception {
    try (StandaloneServer server =
            server(
                Map.of(
                    "bridge.jms.out.url", artemis.url(),
                    "bridge.jms.out.destination", "queue:out",
                    "bridge.jms.out.forward-channels", "chat:*",
                    "namespace.chat.history.size", "10"));
        WsClient publisher = WsClient.connect(ws(server));
        JMSContext jms = artemis.factory().createContext();
        JMSConsumer consumer = jms.createConsumer(jms.createQueue("out"))) {
      publisher.ok(id -> new Command.Publish(id, "other", new Payload.Json("{\"no\":1}")));
      publisher.ok(id -> new Command.Publish(id, "chat:1", new Payload.Json("{\"hi\":1}")));
      long id = publisher.nextId();
      publisher.sendBinary(
          CommandEncoder.encodeBinary(
              new Command.Publish(id, "chat:2", new Payload.Binary(new byte[] {7}))));
      assertThat(publisher.reply(id).has("error")).isFalse();

      Message first = consumer.receive(WAIT.toMillis());
      assertThat(first).isInstanceOf(TextMessage.class);
      assertThat(((TextMessage) first).getText()).isEqualTo("{\"hi\":1}");
      assertThat(first.getStringProperty(JmsSink.CHANNEL)).isEqualTo("chat:1");
      assertThat(first.getLongProperty(JmsSink.OFFSET)).isEqualTo(1);
      assertThat(first.getStringProperty(JmsSink.EPOCH)).isNotEmpty();
      Message second = consumer.receive(WAIT.toMillis());
      assertThat(second).isInstanceOf(BytesMessage.class);
      assertThat(second.getBody(byte[].class)).containsExactly(7);
      assertThat(second.getStringProperty(JmsSink.CHANNEL)).isEqualTo("chat:2");
      assertThat(consumer.receiveNoWait()).as("'other' is not forwarded").isNull();
      assertThat(bridgeStats(server, "out").path("type").asText()).isEqualTo("jms-sink");
      // Counted once the send returned, which can be just after the consumer got the message.
      await().atMost(WAIT).until(() -> bridgeStats(server, "out").path("forwarded").asLong() == 2);
      JsonNode stats = bridgeStats(server, "out");
      assertThat(stats.path("dropped").asLong()).isZero();
      assertThat(stats.path("lag").asLong()).as("nothing waits in the sink's queue").isZero();
      assertThat(stats.has("consumed")).as("a sink reads no source").isFalse();
    }
  }

  @Test
  void aTopicReadByTwoRedisNodesReachesTheChannelOnceInOrder() {
    String prefix = Redis.freshPrefix();
    Map<String, String> settings = new HashMap<>(Redis.clusterSettings(Redis.URI, prefix));
    settings.put("bridge.jms.news.url", artemis.url());
    settings.put("bridge.jms.news.destination", "topic:news");
    settings.put("bridge.jms.news.channel", "news");
    try (StandaloneServer a = server(settings);
        StandaloneServer b = server(settings);
        WsClient subscriber = WsClient.connect(ws(a));
        JMSContext jms = artemis.factory().createContext()) {
      subscriber.ok(id -> new Command.Subscribe(id, "news"));
      // A topic keeps nothing for absent subscribers: wait for both bridges' consumers.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  bridgeStats(a, "news").path("state").asText().equals("running")
                      && bridgeStats(b, "news").path("state").asText().equals("running"));
      JMSProducer producer = jms.createProducer();
      var topic = jms.createTopic("news");
      for (int i = 0; i < 100; i++) {
        producer.send(topic, "{\"n\":" + i + "}");
      }
      producer.send(topic, "\"end\"");

      for (int i = 0; i < 100; i++) {
        assertThat(subscriber.nextJson().path("data").path("n").asInt()).isEqualTo(i);
      }
      assertThat(subscriber.nextJson().path("data").asText()).isEqualTo("end");
      // Each node consumed every message; the shared idempotency keys let one of each through.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  bridgeStats(a, "news").path("consumed").asLong() == 101
                      && bridgeStats(b, "news").path("consumed").asLong() == 101);
      long published =
          bridgeStats(a, "news").path("published").asLong()
              + bridgeStats(b, "news").path("published").asLong();
      long duplicates =
          bridgeStats(a, "news").path("duplicates").asLong()
              + bridgeStats(b, "news").path("duplicates").asLong();
      assertThat(published).isEqualTo(101);
      assertThat(duplicates).isEqualTo(101);
    } finally {
      Redis.deleteAll(Redis.URI, prefix);
    }
  }
}
