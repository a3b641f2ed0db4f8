package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.standalone.StandaloneServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of a failover test: Java clients subscribed to some channels on some nodes, one
 * publisher thread per channel publishing over HTTP until enough publications were accepted, and a
 * {@link LossLedger} that judges what every subscription heard. Counts what was refused (told to
 * the publisher) and when each channel first accepted a publication again after the failure.
 */
public final class FailoverLoad implements AutoCloseable {
  private final List<String> channels;
  private final LossLedger ledger = new LossLedger();
  private final List<LossLedger.Listener> listeners = new ArrayList<>();
  private final List<SwitchboardClient> clients = new ArrayList<>();
  private final List<Thread> publishers = new ArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicLong failedAt = new AtomicLong();
  private final Map<String, Long> firstAcceptedAfter = new ConcurrentHashMap<>();

  /** Channels that had a publication refused since the failure: their outage began. */
  private final Set<String> refusedSinceFailure = ConcurrentHashMap.newKeySet();

  public FailoverLoad(List<String> channels) {
    this.channels = List.copyOf(channels);
  }

  /** One client per node given, each subscribed to every channel. */
  public void subscribe(List<StandaloneServer> nodes) throws Exception {
    for (StandaloneServer node : nodes) {
      SwitchboardClient client =
          SwitchboardClient.builder(node.wsUri().resolve("/ws"))
              .backoff(Duration.ofMillis(50), Duration.ofMillis(300))
              .build();
      clients.add(client);
      client.connect().get(10, TimeUnit.SECONDS);
      for (String channel : channels) {
        LossLedger.Listener l = ledger.listener(channel);
        listeners.add(l);
        client.subscribe(channel, l);
      }
    }
  }

  /** Starts the publishers on {@code node}; they stop once {@code total} were accepted in all. */
  public void publish(StandaloneServer node, int total) {
    for (String channel : channels) {
      Thread t = new Thread(() -> publishUntil(node, channel, total), "publisher " + channel);
      publishers.add(t);
      t.start();
    }
  }

  private void publishUntil(StandaloneServer node, String channel, int total) {
    for (int n = 1; accepted.get() < total; n++) {
      String data = "\"" + channel + "-" + n + "\"";
      Http.Response r =
          Http.postJson(
              node.httpUri().resolve("/api/publish"),
              "{\"channel\":\"" + channel + "\",\"data\":" + data + "}");
      if (r.status() == 200) {
        ledger.acked(
            channel, r.json().path("epoch").asText(), r.json().path("offset").asLong(), data);
        accepted.incrementAndGet();
        if (refusedSinceFailure.contains(channel)) {
          firstAcceptedAfter.putIfAbsent(channel, System.nanoTime());
        }
      } else {
        refused.incrementAndGet(); // told to the publisher: 503, error 109
        if (failedAt.get() != 0) {
          refusedSinceFailure.add(channel);
        }
      }
    }
  }

  public int accepted() {
    return accepted.get();
  }

  public int refused() {
    return refused.get();
  }

  /** The failure happens now; returns the time, in {@link System#nanoTime} terms. */
  public long failing() {
    long now = System.nanoTime();
    failedAt.set(now);
    return now;
  }

  /**
   * Milliseconds from the failure to {@code channel}'s first accepted publication after one was
   * refused (those in flight as it failed do not count); 0 when none was refused.
   */
  public long recoveredMillis(String channel) {
    long at = failedAt.get();
    return TimeUnit.NANOSECONDS.toMillis(firstAcceptedAfter.getOrDefault(channel, at) - at);
  }

  /**
   * Waits for the publishers to end and every subscription to hear its channel's last publication
   * (as {@code node}'s history says), then prints every verdict and asserts that none lost anything
   * silently, had a duplicate or heard out of order; returns the silent losses (0).
   */
  public int finish(StandaloneServer node, String label) throws InterruptedException {
    for (Thread t : publishers) {
      t.join(TimeUnit.MINUTES.toMillis(3));
      assertThat(t.isAlive()).as("publishers end").isFalse();
    }
    try {
      await("every subscriber hears the last publication of its channel")
          .atMost(Duration.ofSeconds(60))
          .until(() -> listeners.stream().allMatch(l -> heardLast(l, node)));
    } finally {
      System.out.println(label + ", the node's stats: " + stats(node));
    }
    int silent = 0;
    for (LossLedger.Listener l : listeners) {
      LossLedger.Verdict v = l.verdict();
      System.out.println(label + ", one subscription: " + v);
      silent += v.silentLosses();
    }
    for (LossLedger.Listener l : listeners) {
      assertThat(l.verdict().clean()).as("%s", l.verdict()).isTrue();
    }
    return silent;
  }

  private static String stats(StandaloneServer node) {
    return Http.get(node.httpUri().resolve("/api/stats")).json().path("engine").toString();
  }

  /** Whether the listener heard the channel's last publication (a history read on the node). */
  public static boolean heardLast(LossLedger.Listener l, StandaloneServer node) {
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

  @Override
  public void close() {
    clients.forEach(SwitchboardClient::close);
  }
}
