package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.client.Message;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.redis.RedisBroker;
import dev.switchboard.protocol.Payload;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.ClientEvents;
import dev.switchboard.testing.ClientRecorder;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TcpProxy;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A blip of a node's Pub/Sub link to Redis is not a mass reconnect: the node fills what it missed
 * from each channel's history, and only the subscribers whose publications history cannot give back
 * (a channel without history, a pattern, a history that was lost) are closed with 4004.
 *
 * <p>The node reaches a Redis of the test's own through a {@link TcpProxy} that cuts its links; the
 * publisher is an engine of its own on an uncut link to the same Redis.
 */
class PubSubBlipTest {
  private static final String PREFIX = "blip:";
  private static final PublishOptions HISTORY =
      new PublishOptions(20_000, Duration.ofMinutes(10), null);

  private RedisServer redis;
  private TcpProxy network;
  private RedisBroker publisher;
  private StandaloneServer node;
  private final List<SwitchboardClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    network = new TcpProxy(redis.port());
    publisher = RedisBroker.open(Redis.options(redis.uri(), PREFIX, InstantSource.system()));
    publisher.start(new RecordingHandler());
    Map<String, String> settings =
        Redis.clusterSettings("redis://127.0.0.1:" + network.port() + "/0", PREFIX);
    settings.put("redis.timeout", "1s");
    settings.put("redis.canary-interval", "200ms");
    node = TestServers.start(settings);
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(SwitchboardClient::close);
    node.close();
    publisher.close();
    network.close();
    redis.close();
  }

  private ClientRecorder subscriber(String channel, ClientEvents events) throws Exception {
    ClientRecorder recorder = new ClientRecorder();
    SwitchboardClient client =
        SwitchboardClient.builder(node.wsUri().resolve("/ws"))
            .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .listener(events)
            .build();
    clients.add(client);
    client.connect().get(10, TimeUnit.SECONDS);
    client.subscribe(channel, recorder);
    assertThat(recorder.nextSubscribed()).isEqualTo("recovered");
    return recorder;
  }

  private long publish(String channel, long n, PublishOptions o) {
    return publisher
        .publish(channel, new Payload.Json(Long.toString(n)), o)
        .toCompletableFuture()
        .join()
        .offset();
  }

  private JsonNode engine() {
    return Http.get(node.httpUri().resolve("/api/stats")).json().path("engine");
  }

  /** Waits until the node is subscribed again after its {@code n}th break. */
  private void awaitMended(long n) {
    await("break " + n + " mended")
        .atMost(Duration.ofSeconds(30))
        .until(() -> engine().path("interruptions").asLong() == n);
  }

  @Test
  void repeatedCutsUnderLoadLoseNothingAndCloseNoClient() throws Exception {
    List<String> channels = List.of("feed:a", "feed:b", "feed:c");
    int perChannel = 1_000;
    int cuts = 5;
    List<ClientEvents> events = new ArrayList<>();
    List<ClientRecorder> recorders = new ArrayList<>();
    for (String channel : channels) {
      for (int i = 0; i < 2; i++) {
        ClientEvents e = new ClientEvents();
        events.add(e);
        recorders.add(subscriber(channel, e));
      }
    }
    // The publisher stops at each of the cuts' marks until the cut is made, then publishes on
    // while the node reconnects and fills: there is load around every cut, whatever the speed.
    int total = channels.size() * perChannel;
    int every = total / (cuts + 1);
    Semaphore atMark = new Semaphore(0);
    Semaphore cut = new Semaphore(0);
    Thread load =
        new Thread(
            () -> {
              for (int n = 1; n <= total; n++) {
                publish(channels.get(n % channels.size()), n, HISTORY);
                if (n % every == 0 && n / every <= cuts) {
                  atMark.release();
                  cut.acquireUninterruptibly();
                }
              }
            },
            "publisher");
    load.start();
    for (int i = 1; i <= cuts; i++) {
      assertThat(atMark.tryAcquire(60, TimeUnit.SECONDS)).as("mark %d", i).isTrue();
      network.cutAll();
      cut.release();
      awaitMended(i);
    }
    load.join(120_000);
    assertThat(load.isAlive()).isFalse();

    for (ClientRecorder r : recorders) {
      await().atMost(Duration.ofSeconds(30)).until(() -> r.messages.size() >= perChannel);
      assertThat(r.messages)
          .extracting(Message::offset)
          .as("every publication once, in order")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, perChannel).boxed().toList());
      assertThat(r.subscribed).as("never subscribed again").isEmpty();
    }
    for (ClientEvents e : events) {
      assertThat(e.seen).as("no client was closed").containsExactly("connected");
    }
    JsonNode engine = engine();
    assertThat(engine.path("interruptions").asLong()).isEqualTo(cuts);
    assertThat(engine.path("channels_interrupted").asLong()).isZero();
    // A cut that comes before the last one's fills ended abandons them: the next fill covers both.
    assertThat(engine.path("fills").asLong())
        .isBetween((long) channels.size(), (long) cuts * channels.size());
    assertThat(engine.path("filled_publications").asLong()).isPositive();
  }

  @Test
  void onlyTheSubscribersOfAChannelWithoutHistoryAndOfAPatternAreClosed() throws Exception {
    ClientEvents historyEvents = new ClientEvents();
    ClientEvents plainEvents = new ClientEvents();
    ClientEvents patternEvents = new ClientEvents();
    ClientRecorder history = subscriber("feed:h", historyEvents);
    ClientRecorder plain = subscriber("chat:room", plainEvents);
    ClientRecorder pattern = subscriber("news:*", patternEvents);
    publish("feed:h", 1, HISTORY);
    publish("chat:room", 1, PublishOptions.NONE);
    publish("news:x", 1, PublishOptions.NONE);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                history.messages.size() == 1
                    && plain.messages.size() == 1
                    && pattern.messages.size() == 1);

    network.cutAll();
    awaitMended(1);
    // Closed with 4004, each reconnects and subscribes again.
    assertThat(plain.nextSubscribed()).isEqualTo("recovered");
    assertThat(pattern.nextSubscribed()).isEqualTo("recovered");
    assertThat(plainEvents.seen).contains("disconnected 4004");
    assertThat(patternEvents.seen).contains("disconnected 4004");

    publish("feed:h", 2, HISTORY);
    await().atMost(Duration.ofSeconds(10)).until(() -> history.messages.size() == 2);
    assertThat(history.messages).extracting(Message::offset).containsExactly(1L, 2L);
    assertThat(historyEvents.seen)
        .as("the history channel's client stays")
        .containsExactly("connected");
    assertThat(history.subscribed).isEmpty();
    assertThat(engine().path("channels_interrupted").asLong()).isEqualTo(2);
  }

  @Test
  void aHistoryLostDuringTheCutClosesItsSubscriberWhoLearnsItWasNotRecovered() throws Exception {
    ClientEvents events = new ClientEvents();
    ClientRecorder recorder = subscriber("feed:e", events);
    for (int n = 1; n <= 3; n++) {
      publish("feed:e", n, HISTORY);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 3);

    network.refuse(true);
    network.cutAll();
    Redis.with(redis.uri(), r -> r.del(PREFIX + "m:feed:e", PREFIX + "s:feed:e"));
    network.refuse(false);
    awaitMended(1);

    assertThat(recorder.nextSubscribed()).startsWith("lost: epoch changed");
    assertThat(events.seen).contains("disconnected 4004");
    long offset = publish("feed:e", 4, HISTORY);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.messages.size() == 4);
    assertThat(recorder.messages.get(3).offset()).isEqualTo(offset).isEqualTo(1);
  }
}
