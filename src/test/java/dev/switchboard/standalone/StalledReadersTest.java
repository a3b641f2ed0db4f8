package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many subscribers that never read beside a few that do, on one channel: only the stalled ones are
 * closed as slow consumers, and the healthy ones get every message in order.
 *
 * <p>Deterministic on a busy machine: the publisher never runs more than {@link #WINDOW} messages
 * ahead of the slowest healthy reader, so a healthy reader's backlog stays far below the outbox
 * limit however slowly this machine runs it, while a stalled reader's backlog only grows. The unit
 * tests of {@code Outbox} and {@code FanOut} pin the two causes of the defect (bytes the server had
 * not flushed yet counted against the client; a lane that fell behind piling every queued
 * publication into the outboxes before flushing any); {@code bench/stalled.sh} measures the
 * open-loop case with latencies.
 */
class StalledReadersTest {
  private static final int STALLED = 2_000;
  private static final int HEALTHY = 5;
  private static final int PAYLOAD = 10_000;

  /** Messages a healthy reader may be behind: 20 × 10 KB, a fifth of the 1 MiB outbox. */
  private static final int WINDOW = 20;

  /**
   * Enough to overflow a stalled reader's outbox (1 MiB, ~100 messages) plus what the kernel holds
   * for it: Linux grows a send buffer up to 4 MiB (~400 messages), and 2,000 of them put the kernel
   * under TCP memory pressure long before that.
   */
  private static final int MESSAGES = 700;

  /**
   * How long a healthy reader may wait for its next message, and the publisher for the readers:
   * generous, because a loaded machine may take seconds to write one message to 2,000 sockets.
   */
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * The idle ping ({@code ws.ping-interval}, 4001 without a pong) and the send timeout ({@code
   * ws.send-timeout}, 4005) are pushed out of the test's way: a stalled reader also sends nothing
   * and answers no ping, and its stuck send also ages, so on a loaded machine, where connecting the
   * 2,000 and the first messages take longer than 25 s + 10 s (seen: 827 stalled readers closed
   * with 4001 before any with 4000), those documented closes would win the race against the
   * slow-consumer cut this test is about. With both an hour away, every stalled reader must be cut
   * with 4000 by the outbox limit alone, which is what this test proves.
   */
  private final StandaloneServer server =
      TestServers.start(
          Map.of(
              "limits.connect-rate", "1000000",
              "limits.max-connections-per-ip", "10000",
              "ws.ping-interval", "1h",
              "ws.send-timeout", "1h"));

  private final List<RawWsClient> stalled = new ArrayList<>();
  private final List<WsClient> healthy = new ArrayList<>();
  private final ExecutorService readers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    readers.shutdownNow();
    readers.awaitTermination(5, TimeUnit.SECONDS);
    healthy.forEach(WsClient::close);
    stalled.forEach(RawWsClient::closeQuietly);
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void twoThousandStalledReadersAreClosedAsSlowWhileHealthyReadersGetEveryMessage()
      throws Exception {
    for (int i = 0; i < HEALTHY; i++) {
      WsClient c = WsClient.connect(server.wsUri().resolve("/ws"));
      c.ok(id -> new Command.Subscribe(id, "feed"));
      healthy.add(c);
    }
    for (int i = 0; i < STALLED; i++) {
      RawWsClient s = RawWsClient.connect("127.0.0.1", server.port(), "/ws", 4096);
      s.sendText("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"feed\"}");
      assertThat(s.readFrame().text()).isEqualTo("{\"id\":1,\"ok\":true}");
      stalled.add(s); // from here on it reads nothing
    }

    Progress progress = new Progress(HEALTHY);
    List<Future<?>> reading = new ArrayList<>();
    for (int r = 0; r < HEALTHY; r++) {
      int reader = r;
      WsClient client = healthy.get(r);
      reading.add(
          readers.submit(
              () -> {
                try {
                  for (int seq = 0; seq < MESSAGES; seq++) {
                    JsonNode m = client.nextJson(WAIT);
                    assertThat(m.path("data").path("seq").asInt())
                        .as("reader %d, message %d", reader, seq)
                        .isEqualTo(seq);
                    progress.received(reader, seq + 1);
                  }
                } catch (Throwable t) { // the publisher fails with it instead of waiting on
                  progress.failed(t);
                  throw t;
                }
                return null;
              }));
    }

    WsClient publisher = WsClient.connect(server.wsUri().resolve("/ws"));
    healthy.add(publisher);
    String padding = "x".repeat(PAYLOAD);
    for (int seq = 0; seq < MESSAGES; seq++) {
      progress.awaitAtLeast(seq - WINDOW, WAIT);
      Payload data = new Payload.Json("{\"seq\":" + seq + ",\"pad\":\"" + padding + "\"}");
      publisher.ok(id -> new Command.Publish(id, "feed", data));
    }
    for (Future<?> f : reading) {
      f.get(60, TimeUnit.SECONDS); // every healthy reader got every message, in order
    }

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode closes = stats().path("closes");
              assertThat(closes.path("4000").asLong())
                  .as("closes by code: %s", closes)
                  .isEqualTo(STALLED);
            });
    JsonNode stats = stats();
    assertThat(stats.path("closes").path("4000").asLong()).isEqualTo(STALLED);
    assertThat(stats.path("connections").asInt()).isEqualTo(HEALTHY + 1);
    for (WsClient c : healthy) {
      assertThat(c.closed().toCompletableFuture()).isNotDone();
    }
    // A stalled reader that reads again finds what its socket held, then the 4000 close.
    for (int i = 0; i < STALLED; i += STALLED / 10) {
      RawWsClient s = stalled.get(i);
      s.setReadTimeout(30_000);
      assertThat(s.readUntilClose().closeCode()).isEqualTo(4000);
    }
  }

  private JsonNode stats() {
    return Http.get(server.httpUri().resolve("/api/stats")).json();
  }

  /** What each healthy reader has received; the publisher waits on it. */
  private static final class Progress {
    private final int[] received;

    Progress(int readers) {
      received = new int[readers];
    }

    private @Nullable Throwable failure;

    synchronized void received(int reader, int count) {
      received[reader] = count;
      notifyAll();
    }

    /** A reader gave up: what it saw is the test's verdict, not the publisher's wait. */
    synchronized void failed(Throwable t) {
      failure = t;
      notifyAll();
    }

    synchronized void awaitAtLeast(int count, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (min() < count) {
        if (failure != null) {
          throw new AssertionError("a healthy reader failed at " + min() + " messages", failure);
        }
        long left = deadline - System.nanoTime();
        assertThat(left).as("healthy readers stuck at %d messages", min()).isPositive();
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    private int min() {
      int m = Integer.MAX_VALUE;
      for (int r : received) {
        m = Math.min(m, r);
      }
      return m;
    }
  }
}
