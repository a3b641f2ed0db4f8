package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of one of two cluster nodes while 1,000 clients are subscribed on it and
 * publications keep coming: every client reconnects to the other node, recovers from its last
 * offset, and ends with every publication exactly once after dedupe by offset.
 *
 * <p>It lives beside the load generator because its clients are the generator's non-blocking
 * WebSocket connections ({@link Reactor}, {@link WsConn}): a thousand of them take ten million
 * deliveries on one thread.
 */
class ClusterNodeKillTest {
  private static final int SUBSCRIBERS = 1_000;
  private static final int PUBLICATIONS = 10_000;
  private static final int KILL_AFTER = 3_000;
  private static final int PER_SECOND = 500;
  private static final String CHANNEL = "feed:kill";
  private static final int MAX_CONNECTS_TO_B = 10;

  private final String prefix = Redis.freshPrefix();
  private final Reactor reactor = new Reactor("kill-test-clients");
  private Process nodeA;
  private StandaloneServer nodeB;

  private Map<String, String> settings() {
    Map<String, String> s = Redis.clusterSettings(Redis.URI, prefix);
    s.put(
        "namespace.feed.presence",
        "false"); // publications only: a thousand joins are not the point
    s.put("namespace.feed.join-leave", "false");
    s.put("limits.connect-rate", "100000");
    s.put("outbox.max-bytes", "64MiB");
    return s;
  }

  @AfterEach
  void stop() {
    reactor.close();
    if (nodeA != null) {
      nodeA.destroyForcibly();
    }
    if (nodeB != null) {
      nodeB.close();
    }
    Redis.deleteAll(Redis.URI, prefix);
  }

  /** Node A in its own JVM, so that it can really be killed; on a port it picks itself. */
  private URI startNodeA(Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    settings().forEach((k, v) -> command.add("-Dswitchboard." + k + "=" + v));
    command.add("-Dswitchboard.ws.rate.messages=0");
    command.add("-Dswitchboard.ws.rate.bytes=0");
    command.add("dev.switchboard.cli.Main");
    command.add("--host=127.0.0.1");
    command.add("--port=0");
    nodeA =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    String[] found = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Matcher m = listening.matcher(Files.readString(log));
              if (m.find()) {
                found[0] = m.group(1);
              }
              return found[0] != null || !nodeA.isAlive();
            });
    assertThat(found[0]).as("node A started: " + Files.readString(log)).isNotNull();
    URI http = URI.create(found[0]);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> Http.get(http.resolve("/ready")).status() == 200);
    return http;
  }

  /**
   * Publishes {@code n} through node B as a careful backend does: an answer of 503 (the engine did
   * not answer in time, as on a heavily loaded machine) is retried with the same idempotency key,
   * so that a publish Redis applied before the timeout is not applied twice.
   */
  private void publishOnce(int n) {
    String body =
        "{\"channel\":\"" + CHANNEL + "\",\"data\":" + n + ",\"idempotency_key\":\"p" + n + "\"}";
    Http.Response r = Http.postJson(nodeB.httpUri().resolve("/api/publish"), body);
    for (int tries = 1; r.status() == 503 && tries < 5; tries++) {
      r = Http.postJson(nodeB.httpUri().resolve("/api/publish"), body);
    }
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void killingANodeUnderItsSubscribersLosesNothing() throws Exception {
    nodeB = TestServers.start(settings());
    Path log = Files.createTempFile("switchboard-node-a", ".log");
    URI a = startNodeA(log);
    InetSocketAddress addressA = new InetSocketAddress("127.0.0.1", a.getPort());
    InetSocketAddress addressB = new InetSocketAddress("127.0.0.1", nodeB.port());
    reactor.start();

    List<FailoverSubscriber> subscribers = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      FailoverSubscriber s = new FailoverSubscriber(addressB);
      subscribers.add(s);
      reactor.execute(() -> s.connect(addressA));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> subscribers.stream().allMatch(s -> s.subscriptions.get() == 1));

    AtomicInteger published = new AtomicInteger();
    Thread publisher =
        new Thread(
            () -> {
              long start = System.nanoTime();
              for (int n = 1; n <= PUBLICATIONS; n++) {
                // A steady rate (load pacing, not waiting for anything): the failure falls in the
                // middle.
                long due = start + n * (1_000_000_000L / PER_SECOND);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                }
                publishOnce(n);
                published.set(n);
              }
            },
            "publisher");
    publisher.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> published.get() >= KILL_AFTER);
    nodeA.destroyForcibly(); // SIGKILL: no close frames, no clean-up
    assertThat(nodeA.waitFor(10, TimeUnit.SECONDS)).isTrue();
    int atKill = published.get();

    publisher.join(120_000);
    assertThat(published.get()).isEqualTo(PUBLICATIONS);
    // Ten million deliveries after the failover: minutes on a loaded machine. The message says
    // how far the slowest client got if they do not all finish.
    await()
        .atMost(Duration.ofSeconds(300))
        .untilAsserted(
            () ->
                assertThat(subscribers.stream().mapToInt(FailoverSubscriber::distinct).min())
                    .as(
                        "fewest distinct publications at a client; clients done: %d; closes: %s",
                        subscribers.stream().filter(s -> s.distinct() == PUBLICATIONS).count(),
                        subscribers.stream()
                            .flatMap(s -> s.closes.stream())
                            .collect(
                                java.util.stream.Collectors.groupingBy(
                                    x -> x, java.util.stream.Collectors.counting())))
                    .hasValue(PUBLICATIONS));

    long duplicates = 0;
    long retries = 0;
    for (FailoverSubscriber s : subscribers) {
      assertThat(s.missing()).as("offsets never received").isEmpty();
      assertThat(s.failovers.get()).as("reconnected to node B").isBetween(1, MAX_CONNECTS_TO_B);
      assertThat(s.recoveredOnB).as("the resubscribe on B recovered").isTrue();
      assertThat(s.errors).isEmpty();
      duplicates += s.duplicates;
      retries += s.failovers.get() - 1;
    }
    System.out.printf(
        "node kill: %d subscribers, %d publications (%d before the kill), every one received once"
            + " after dedupe; %d deliveries repeated across the failover and dropped by offset;"
            + " %d reconnects to node B tried again%n",
        SUBSCRIBERS, PUBLICATIONS, atKill, duplicates, retries);
  }

  /**
   * A subscriber that, when its connection dies, reconnects to the other node and resubscribes from
   * the last offset it saw, as the Java and browser clients do. Runs on the reactor thread only;
   * the test thread reads it under its lock.
   */
  private final class FailoverSubscriber implements WsConn.Listener {
    private final InetSocketAddress other;
    private final BitSet seen = new BitSet(PUBLICATIONS + 1);
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final AtomicInteger failovers = new AtomicInteger();
    private final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> closes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean recoveredOnB;
    private long last;
    private String epoch = "";
    private long duplicates;

    FailoverSubscriber(InetSocketAddress other) {
      this.other = other;
    }

    void connect(InetSocketAddress node) {
      try {
        reactor.connect(node, null, "/ws", null, this);
      } catch (IOException e) {
        errors.add("connect to " + node + ": " + e);
      }
    }

    @Override
    public void onOpen(WsConn c) {
      Command.Since since;
      synchronized (this) {
        since = epoch.isEmpty() ? null : new Command.Since(last, epoch);
      }
      try {
        c.sendText(
            CommandEncoder.encode(new Command.Subscribe(1, CHANNEL, since, null))
                .getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        errors.add("subscribe: " + e);
      }
    }

    @Override
    public synchronized void onMessage(WsConn c, boolean text, ByteBuffer payload) {
      ServerMessage m = DECODER.decode(StandardCharsets.UTF_8.decode(payload).toString());
      if (m instanceof ServerMessage.Ok ok) {
        if (epoch.isEmpty()) {
          epoch = ok.position().epoch();
          last = ok.position().offset();
        } else {
          recoveredOnB = ok.recovery() != null && ok.recovery().recovered();
        }
        subscriptions.incrementAndGet();
      } else if (m instanceof ServerMessage.Publication p) {
        int offset = (int) p.offset();
        if (seen.get(offset)) {
          duplicates++;
        } else {
          seen.set(offset);
        }
        last = Math.max(last, offset);
      } else {
        errors.add("subscribe refused or unexpected: " + m);
      }
    }

    @Override
    public void onClose(WsConn c, int code, String why) {
      closes.add(code + " " + why);
      // The first close is the kill; a later one is node B refusing or timing out the reconnect
      // under a storm of a thousand on a loaded machine: try again, as the real clients do.
      if (failovers.incrementAndGet() <= MAX_CONNECTS_TO_B) {
        connect(other);
      }
    }

    synchronized int distinct() {
      return seen.cardinality();
    }

    synchronized List<Integer> missing() {
      List<Integer> out = new ArrayList<>();
      for (int n = 1; n <= PUBLICATIONS && out.size() < 10; n++) {
        if (!seen.get(n)) {
          out.add(n);
        }
      }
      return out;
    }
  }

  private static final ServerMessageDecoder DECODER = new ServerMessageDecoder();
}
