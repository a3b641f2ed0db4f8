package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.client.BalancedClients;
import dev.switchboard.client.ConnectionListener;
import dev.switchboard.client.Message;
import dev.switchboard.client.SubscriptionListener;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rolling restart of a two-node cluster on the machine's Redis under a steady publish load: node
 * A stops gracefully (drain, then 1012 closes spread over {@code shutdown.spread}) and starts again
 * on its port, then node B. Every subscriber is the real Java client behind a tiny client-side load
 * balancer ({@link BalancedClients}: each (re)connect goes to the first node of its list that
 * accepts it, A then B for half of them, B then A for the others), so a client closed with 1012
 * comes back on the other node and recovers there from Redis's history. Each subscriber must end
 * with every sequence number once, in order.
 *
 * <p>Nothing here depends on speed: each step waits for a condition (all subscribers back, all
 * publications received) with a generous bound. The reconnect rate is reported, never asserted.
 */
class RollingRestartTest {
  /** Subscribers; {@code -Drolling.subscribers=N} to try another count. */
  private static final int SUBSCRIBERS = Integer.getInteger("rolling.subscribers", 1000);

  /** The nodes' {@code shutdown.spread}; {@code -Drolling.spread=0s} shows the storm it avoids. */
  private static final String SPREAD = System.getProperty("rolling.spread", "3s");

  /** Between two publications: 20 a second, a steady load that a busy 2-core machine carries. */
  private static final Duration PUBLISH_EVERY = Duration.ofMillis(50);

  private static final String CHANNEL = "rr:feed";

  private final String prefix = Redis.freshPrefix();
  private final Map<String, String> settings = new HashMap<>();
  private final List<SwitchboardClient> clients = new ArrayList<>();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final ConcurrentLinkedQueue<Long> reconnectedAt = new ConcurrentLinkedQueue<>();
  private @Nullable StandaloneServer a;
  private @Nullable StandaloneServer b;

  /** Where the publisher posts: the node not being restarted. */
  private volatile @Nullable StandaloneServer publishVia;

  @AfterEach
  void stopEverything() throws Exception {
    clients.forEach(SwitchboardClient::close);
    if (a != null) {
      a.stop(Duration.ZERO);
    }
    if (b != null) {
      b.stop(Duration.ZERO);
    }
    Redis.deleteAll(Redis.URI, prefix);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard; each wait below has its own bound
  void restartingBothNodesOneAfterTheOtherLosesAndRepeatsNothing() throws Exception {
    settings.put("engine", "redis");
    settings.put("redis.uri", Redis.URI);
    settings.put("redis.prefix", prefix);
    settings.put("namespace.rr.history.size", "100000");
    settings.put("namespace.rr.history.ttl", "10m");
    settings.put("shutdown.drain", "200ms");
    settings.put("shutdown.spread", SPREAD);
    settings.put("shutdown.timeout", "20s");
    a = TestServers.start(settings);
    b = TestServers.start(settings);
    int portA = a.port();
    int portB = b.port();
    URI wsA = a.wsUri().resolve("/ws");
    URI wsB = b.wsUri().resolve("/ws");
    BalancedClients balanced = new BalancedClients();

    long started = System.nanoTime();
    List<CompletableFuture<Void>> connects = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      Subscriber s = new Subscriber();
      SwitchboardClient c =
          balanced.build(
              SwitchboardClient.builder(wsA)
                  .restartJitter(Duration.ofMillis(500))
                  .backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                  .listener(s),
              i % 2 == 0 ? List.of(wsA, wsB) : List.of(wsB, wsA));
      clients.add(c);
      subscribers.add(s);
      connects.add(c.connect());
      c.subscribe(CHANNEL, s);
    }
    CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    awaitAllLive();
    System.out.printf(
        "%d subscribers connected and subscribed in %d ms%n",
        SUBSCRIBERS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

    publishVia = a;
    AtomicBoolean publishing = new AtomicBoolean(true);
    AtomicLong published = new AtomicLong();
    Thread publisher = new Thread(() -> publish(publishing, published), "rolling-publisher");
    publisher.start();
    awaitAllReceived(published, 10);

    publishVia = b;
    a = restart(a, portA);
    awaitAllLive();
    awaitAllReceived(published, published.get() + 10);

    publishVia = a;
    b = restart(b, portB);
    awaitAllLive();
    awaitAllReceived(published, published.get() + 10);

    publishing.set(false);
    publisher.join();
    long total = published.get();
    awaitAllReceived(published, total);

    report(total);
    for (Subscriber s : subscribers) {
      assertThat(s.duplicates.get()).as("duplicated publications").isZero();
      assertThat(s.gaps.get()).as("lost or reordered publications").isZero();
      assertThat(s.next.get()).isEqualTo(total);
    }
    // Whichever node a subscriber started on, it was on the second node restarted when that went.
    assertThat(subscribers)
        .allMatch(s -> s.restartCloses.get() >= 1, "closed with 1012 at least once");
  }

  /** Stops {@code node} gracefully (it blocks for the drain and the spread) and starts it anew. */
  private StandaloneServer restart(StandaloneServer node, int port) {
    node.stop(Duration.ofSeconds(20));
    Map<String, String> again = new HashMap<>(settings);
    again.put("server.port", Integer.toString(port));
    return TestServers.start(again);
  }

  /** Publishes {"seq":n} for n = 0, 1, ... every {@link #PUBLISH_EVERY} until told to stop. */
  private void publish(AtomicBoolean publishing, AtomicLong published) {
    long seq = 0;
    while (publishing.get()) {
      String body =
          "{\"channel\":\""
              + CHANNEL
              + "\",\"data\":{\"seq\":"
              + seq
              + "},\"idempotency_key\":\"seq-"
              + seq
              + "\"}";
      StandaloneServer via = publishVia;
      int status;
      try {
        status = Http.postJson(via.httpUri().resolve("/api/publish"), body).status();
      } catch (AssertionError e) {
        status = 0; // the node went away: the same key again on the next turn publishes once
      }
      if (status == 200) {
        seq++;
        published.set(seq);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(PUBLISH_EVERY.toNanos()); // the pace
    }
  }

  private void awaitAllLive() {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> subscribers.stream().allMatch(s -> s.live));
  }

  private void awaitAllReceived(AtomicLong published, long atLeast) {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                published.get() >= atLeast
                    && subscribers.stream().allMatch(s -> s.next.get() >= atLeast));
  }

  private void report(long total) {
    TreeMap<Long, Integer> perSecond = new TreeMap<>();
    for (long at : reconnectedAt) {
      perSecond.merge(TimeUnit.NANOSECONDS.toSeconds(at), 1, Integer::sum);
    }
    int peak = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int restartCloses = subscribers.stream().mapToInt(s -> s.restartCloses.get()).sum();
    int duplicated = subscribers.stream().mapToInt(s -> s.duplicates.get()).sum();
    int gaps = subscribers.stream().mapToInt(s -> s.gaps.get()).sum();
    System.out.printf(
        "rolling restart (spread %s): %d subscribers, %d publications each, %d gaps (lost or"
            + " reordered), %d duplicated; %d closes with 1012, %d reconnects, peak %d reconnects"
            + " in one second%n",
        SPREAD, SUBSCRIBERS, total, gaps, duplicated, restartCloses, reconnectedAt.size(), peak);
  }

  /** One subscriber's connection and subscription events, and what it received. */
  private final class Subscriber implements ConnectionListener, SubscriptionListener {
    /** The sequence number expected next. */
    final AtomicLong next = new AtomicLong();

    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger gaps = new AtomicInteger();
    final AtomicInteger restartCloses = new AtomicInteger();
    private boolean connectedBefore; // callback thread only

    /** Connected and subscribed since the last disconnect. */
    volatile boolean live;

    @Override
    public void onConnected() {
      if (connectedBefore) {
        reconnectedAt.add(System.nanoTime());
      }
      connectedBefore = true;
    }

    @Override
    public void onDisconnected(int code, String reason) {
      live = false;
      if (code == 1012) {
        restartCloses.incrementAndGet();
      }
    }

    @Override
    public void onSubscribed(boolean recovered, @Nullable String reason) {
      if (!recovered && connectedBefore && next.get() > 0) {
        gaps.incrementAndGet(); // history could not fill the gap
      }
      live = true;
    }

    @Override
    public void onMessage(Message m) {
      String json = m.json();
      long seq = Long.parseLong(json.substring(json.indexOf(':') + 1, json.indexOf('}')));
      long expected = next.get();
      if (seq == expected) {
        next.set(expected + 1);
      } else if (seq < expected) {
        duplicates.incrementAndGet();
      } else {
        gaps.incrementAndGet();
        next.set(seq + 1);
      }
    }
  }
}
