package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.client.Message;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.ClientEvents;
import dev.switchboard.testing.ClientRecorder;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TcpProxy;
import dev.switchboard.testing.TestServers;
import io.lettuce.core.KillArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node on a Redis of the test's own that fails: restarts losing its data, breaks of the Pub/Sub
 * link, or a network that silently stops delivering. Nothing is reported as success that did not
 * happen, readiness follows Redis, a break is filled from history, and clients learn what was lost.
 */
class RedisFailureTest {
  private RedisServer redis;

  @BeforeEach
  void startRedis() {
    redis = RedisServer.start();
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private static StandaloneServer node(String uri) {
    Map<String, String> settings = Redis.clusterSettings(uri, "fail:");
    settings.put("redis.timeout", "1s");
    settings.put("redis.canary-interval", "200ms");
    return TestServers.start(settings);
  }

  private static int publish(StandaloneServer node, String body) {
    return Http.postJson(node.httpUri().resolve("/api/publish"), body).status();
  }

  @Test
  void
      whileRedisIsDownTheNodeIsNotReadyAndPublishesFailAndAfterItRestartsClientsLearnHistoryIsLost()
          throws Exception {
    try (StandaloneServer node = node(redis.uri())) {
      ClientRecorder recorder = new ClientRecorder();
      ClientEvents events = new ClientEvents();
      try (SwitchboardClient client =
          SwitchboardClient.builder(node.wsUri().resolve("/ws"))
              .backoff(Duration.ofMillis(50), Duration.ofMillis(300))
              .listener(events)
              .build()) {
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribe("feed:z", recorder);
        assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
        for (int n = 1; n <= 5; n++) {
          assertThat(publish(node, "{\"channel\":\"feed:z\",\"data\":" + n + "}")).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 5);

        redis.stop();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> Http.get(node.httpUri().resolve("/ready")).status() == 503);
        Http.Response refused =
            Http.postJson(
                node.httpUri().resolve("/api/publish"), "{\"channel\":\"feed:z\",\"data\":6}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().path("error").path("code").asInt()).isEqualTo(109);
        assertThat(refused.json().path("error").path("message").asText()).contains("Redis");
        assertThatThrownBy(() -> client.publish("feed:z", "7").get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasMessageContaining("Redis");

        redis.startAgain(); // empty: the history and positions are gone
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> Http.get(node.httpUri().resolve("/ready")).status() == 200);
        // The node reconnected and resubscribed by itself, found the channel's history gone and
        // told its subscribers to recover: they learn it was lost.
        assertThat(recorder.nextSubscribed()).startsWith("lost: epoch changed");
        assertThat(events.seen).contains("disconnected 4004");
        assertThat(publish(node, "{\"channel\":\"feed:z\",\"data\":8}")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 6);
        assertThat(recorder.messages.get(5).offset()).isEqualTo(1);
        assertThat(recorder.messages.get(5).json()).isEqualTo("8");

        JsonNode engine = Http.get(node.httpUri().resolve("/api/stats")).json().path("engine");
        assertThat(engine.path("interruptions").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(engine.path("channels_interrupted").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(engine.path("failures").asLong()).isGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void repeatedBreaksOfThePubSubLinkUnderPublishLoadAreFilledFromHistoryAndCloseNoSubscriber()
      throws Exception {
    int subscribers = 8;
    int breaks = 5;
    try (StandaloneServer node = node(redis.uri())) {
      List<ClientRecorder> recorders = new ArrayList<>();
      List<ClientEvents> events = new ArrayList<>();
      List<SwitchboardClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < subscribers; i++) {
          ClientRecorder recorder = new ClientRecorder();
          ClientEvents seen = new ClientEvents();
          SwitchboardClient client =
              SwitchboardClient.builder(node.wsUri().resolve("/ws"))
                  .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
                  .listener(seen)
                  .build();
          events.add(seen);
          client.connect().get(10, TimeUnit.SECONDS);
          client.subscribe("feed:k", recorder);
          assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
          recorders.add(recorder);
          clients.add(client);
        }
        AtomicLong top = new AtomicLong();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread publisher =
            new Thread(
                () -> {
                  for (int n = 1; publishing.get(); n++) {
                    Http.Response r =
                        Http.postJson(
                            node.httpUri().resolve("/api/publish"),
                            "{\"channel\":\"feed:k\",\"data\":" + n + "}");
                    if (r.status() == 200) {
                      top.set(r.json().path("offset").asLong());
                    }
                  }
                },
                "publisher");
        publisher.start();
        for (int i = 1; i <= breaks; i++) {
          long before = top.get();
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> top.get() > before + 20); // publications around each break
          Redis.with(redis.uri(), r -> r.clientKill(KillArgs.Builder.typePubsub()));
          int expected = i;
          await("interruption " + i)
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      Http.get(node.httpUri().resolve("/api/stats"))
                              .json()
                              .path("engine")
                              .path("interruptions")
                              .asLong()
                          == expected);
        }
        publishing.set(false);
        publisher.join(20_000);
        long last = top.get();
        for (ClientRecorder r : recorders) {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      !r.messages.isEmpty()
                          && r.messages.get(r.messages.size() - 1).offset() == last);
          assertThat(r.messages)
              .extracting(Message::offset)
              .as("every publication once, in order: the node filled what it missed")
              .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
          assertThat(r.subscribed).as("never subscribed again").isEmpty();
        }
        for (ClientEvents e : events) {
          assertThat(e.seen).as("no subscriber was closed").containsExactly("connected");
        }
        JsonNode engine = Http.get(node.httpUri().resolve("/api/stats")).json().path("engine");
        assertThat(engine.path("channels_interrupted").asLong()).isZero();
        assertThat(engine.path("fills").asLong()).isPositive();
      } finally {
        clients.forEach(SwitchboardClient::close);
      }
    }
  }

  @Test
  void aLinkThatSilentlyStopsDeliveringIsCaughtByTheCanary() throws Exception {
    try (TcpProxy network = new TcpProxy(redis.port());
        StandaloneServer node = node("redis://127.0.0.1:" + network.port() + "/0")) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Http.get(node.httpUri().resolve("/ready")).status() == 200);
      network.freeze(true); // connections stay open; nothing arrives
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> Http.get(node.httpUri().resolve("/ready")).status() == 503);
      JsonNode engine = Http.get(node.httpUri().resolve("/api/stats")).json().path("engine");
      assertThat(engine.path("canaries_missed").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(publish(node, "{\"channel\":\"feed:q\",\"data\":1}"))
          .as("a publish cannot succeed silently")
          .isEqualTo(503);

      network.freeze(false);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> Http.get(node.httpUri().resolve("/ready")).status() == 200);
      assertThat(Redis.<String>with(redis.uri(), r -> r.ping())).isEqualTo("PONG");
    }
  }
}
