package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.LossLedger;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisSentinels;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on a Redis primary watched by three Sentinels; the primary is killed with SIGKILL under
 * publish load and a Sentinel promotes the replica. Whatever the dead primary had not passed to its
 * replica is lost; every subscriber must be told of what it lost (recovered:false), nothing may
 * reach a subscriber twice or out of order, and no offset may carry two publications under one
 * epoch. The counts and the time to recover are printed.
 */
class SentinelFailoverTest {
  private static final int PUBLICATIONS = 10_000;
  private static final List<String> CHANNELS = List.of("feed:s1", "feed:s2");

  private static StandaloneServer node(String uri) {
    Map<String, String> settings = Redis.clusterSettings(uri, "sentinel:");
    settings.put("redis.timeout", "1s");
    settings.put("redis.canary-interval", "200ms");
    return TestServers.start(settings);
  }

  @Test
  void aPrimaryKilledUnderPublishLoadLosesNothingSilently() throws Exception {
    LossLedger ledger = new LossLedger();
    List<LossLedger.Listener> listeners = new ArrayList<>();
    List<SwitchboardClient> clients = new ArrayList<>();
    List<Thread> publishers = new ArrayList<>();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicLong killedAt = new AtomicLong();
    AtomicLong firstAcceptedAfterKill = new AtomicLong();
    try (RedisSentinels redis = RedisSentinels.start();
        StandaloneServer publishing = node(redis.uri());
        StandaloneServer subscribing = node(redis.uri())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ready(publishing) && ready(subscribing));
      for (StandaloneServer node : List.of(subscribing, subscribing, publishing)) {
        SwitchboardClient client =
            SwitchboardClient.builder(node.wsUri().resolve("/ws"))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(300))
                .build();
        clients.add(client);
        client.connect().get(10, TimeUnit.SECONDS);
        for (String channel : CHANNELS) {
          LossLedger.Listener l = ledger.listener(channel);
          listeners.add(l);
          client.subscribe(channel, l);
        }
      }
      for (String channel : CHANNELS) {
        Thread t =
            new Thread(
                () -> {
                  for (int n = 1; accepted.get() < PUBLICATIONS; n++) {
                    String data = "\"" + channel + "-" + n + "\"";
                    Http.Response r =
                        Http.postJson(
                            publishing.httpUri().resolve("/api/publish"),
                            "{\"channel\":\"" + channel + "\",\"data\":" + data + "}");
                    if (r.status() == 200) {
                      ledger.acked(
                          channel,
                          r.json().path("epoch").asText(),
                          r.json().path("offset").asLong(),
                          data);
                      accepted.incrementAndGet();
                      if (killedAt.get() != 0) {
                        firstAcceptedAfterKill.compareAndSet(0, System.nanoTime());
                      }
                    } else {
                      refused.incrementAndGet(); // told to the publisher: 503, error 109
                    }
                  }
                },
                "publisher " + channel);
        publishers.add(t);
        t.start();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= PUBLICATIONS / 3);
      int before = redis.currentPrimaryPort();
      redis.killPrimary();
      killedAt.set(System.nanoTime());
      await("a Sentinel promotes the replica")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> redis.currentPrimaryPort() != before);
      for (Thread t : publishers) {
        t.join(TimeUnit.MINUTES.toMillis(3));
        assertThat(t.isAlive()).as("publishers end").isFalse();
      }
      try {
        await("every subscriber hears the last publication of its channel")
            .atMost(Duration.ofSeconds(60))
            .until(() -> listeners.stream().allMatch(l -> heardLast(l, publishing)));
      } finally {
        for (LossLedger.Listener l : listeners) {
          System.out.println("heard last " + l.last() + ": " + l.verdict());
        }
        System.out.println(Http.get(subscribing.httpUri().resolve("/api/stats")).json());
      }

      int silent = 0;
      for (LossLedger.Listener l : listeners) {
        LossLedger.Verdict v = l.verdict();
        System.out.println("sentinel failover, one subscription: " + v);
        assertThat(v.clean()).as("%s", v).isTrue();
        silent += v.silentLosses();
      }
      System.out.printf(
          "sentinel failover: %d publications accepted, %d refused while failing over,"
              + " %d silent losses; first accepted publication %d ms after the kill%n",
          accepted.get(),
          refused.get(),
          silent,
          TimeUnit.NANOSECONDS.toMillis(firstAcceptedAfterKill.get() - killedAt.get()));
      assertThat(accepted.get()).isGreaterThanOrEqualTo(PUBLICATIONS);
    } finally {
      clients.forEach(SwitchboardClient::close);
    }
  }

  private static boolean ready(StandaloneServer node) {
    return Http.get(node.httpUri().resolve("/ready")).status() == 200;
  }

  /** Whether the listener heard the channel's last publication (a history read on the node). */
  private static boolean heardLast(LossLedger.Listener l, StandaloneServer node) {
    var last = l.last();
    if (last == null) {
      return false;
    }
    var position =
        Http.get(node.httpUri().resolve("/api/history?channel=" + last.channel() + "&limit=0"))
            .json();
    return last.offset() == position.path("offset").asLong()
        && last.epoch().equals(position.path("epoch").asText());
  }
}
