package dev.switchboard.bench;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Reconnect after a restart: subscribed clients that come back the way the Java client does
 * (dev.switchboard.client.Backoff): after a close with 1012 (service restart) a random delay in [0,
 * restart jitter]; after any other loss, or a failed attempt, exponential backoff with full jitter
 * (random in [0, min(max, initial × 2^(n-1))]), reset once connected. Hub clients subscribe again
 * with {@code since} their last position and count whether it was recovered. Once all are
 * subscribed the ready file is written; whoever runs the bench then restarts the server. Measured:
 * from the first loss until every client is subscribed again. Everything but the main thread's
 * waiting runs on one reactor thread.
 */
final class ReconnectBench {
  /**
   * @param readyFile written once every client is subscribed: the cue to restart the server
   * @param maxWait how long to wait for the restart, and then for everyone to be back
   */
  record Options(
      Target target,
      String channel,
      int conns,
      int channels,
      int concurrency,
      Duration restartJitter,
      Duration backoffInitial,
      Duration backoffMax,
      @Nullable Path readyFile,
      Duration maxWait,
      String label,
      boolean quiet) {}

  /** Mirrors Backoff's cap on doublings. */
  private static final int MAX_DOUBLINGS = 20;

  /** One client; touched on the reactor thread only. */
  private static final class Client {
    final int index;
    final String channel;
    @Nullable WsConn conn;
    boolean handshaking;
    boolean subscribed;
    boolean lostOnce;
    long lostAt;
    int attempt;
    long offset;
    @Nullable String epoch;

    Client(int index, String channel) {
      this.index = index;
      this.channel = channel;
    }
  }

  private record Due(long at, Client client) {}

  private final Options o;
  private final PrintStream err;
  private final Reactor reactor = new Reactor("bench-reconnect");
  private final ServerMessageDecoder decoder = new ServerMessageDecoder();
  private final List<Client> clients = new ArrayList<>();
  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
  private final Histogram downtime = new Histogram(3_600_000_000L, 3);
  private final WsConn.Listener listener = new Listener();
  private int started;
  private int connecting;
  private long armedAt;
  private long firstLoss;
  private long lastLoss;
  private long allBackAt;
  private long allBackWallMillis;
  private volatile int subscribedNow;
  private volatile int lost;
  private volatile boolean allBack;
  private long closes1012;
  private long closesOther;
  private long attempts;
  private long failedAttempts;
  private long recovered;
  private long notRecovered;
  private @Nullable String notRecoveredReason;

  ReconnectBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
    if (o.target().dialect() == Dialect.SOCKETIO) {
      throw new IllegalArgumentException("reconnect speaks the hub and raw dialects");
    }
    for (int i = 0; i < o.conns(); i++) {
      clients.add(new Client(i, o.channel() + ":" + (i % o.channels())));
    }
  }

  Map<String, Object> run() throws InterruptedException, IOException {
    Progress progress = new Progress(err, o.quiet());
    reactor.onTurn(this::openInitial);
    reactor.every(TimeUnit.MILLISECONDS.toNanos(2), this::reconnectDue);
    reactor.start();
    long deadline = System.nanoTime() + o.maxWait().toNanos();
    while (subscribedNow < o.conns() && System.nanoTime() < deadline) {
      progress.show("subscribe", (double) subscribedNow / o.conns(), () -> subscribedNow, "subs");
      Thread.sleep(50);
    }
    progress.done();
    boolean ready = subscribedNow == o.conns();
    if (ready) {
      reactor.execute(() -> armedAt = System.nanoTime());
      if (o.readyFile() != null) {
        Files.writeString(o.readyFile(), "ready\n");
      }
      err.printf("%d subscribed: restart the server now%n", o.conns());
      deadline = System.nanoTime() + o.maxWait().toNanos();
      while (lost == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      deadline = System.nanoTime() + o.maxWait().toNanos();
      while (!allBack && System.nanoTime() < deadline) {
        progress.show("reconnect", (double) subscribedNow / o.conns(), () -> lost, "lost");
        Thread.sleep(50);
      }
      progress.done();
    }
    reactor.close();
    return result(ready);
  }

  /** Opens the clients for the first time, at most {@code concurrency} handshakes at once. */
  private void openInitial() {
    while (started < o.conns() && connecting < o.concurrency()) {
      connect(clients.get(started++));
    }
  }

  private void reconnectDue() {
    long now = System.nanoTime();
    while (!due.isEmpty() && due.peek().at <= now) {
      connect(due.poll().client);
    }
  }

  private void connect(Client c) {
    attempts++;
    connecting++;
    try {
      WsConn conn =
          reactor.connect(
              o.target().server(),
              o.target().local(c.index),
              o.target().dialect().subPath,
              o.target().origin(),
              listener);
      conn.attachment = c;
      c.conn = conn;
      c.handshaking = true;
    } catch (IOException e) {
      connecting--;
      failedAttempts++;
      retryLater(c, false);
    }
  }

  /** Schedules the next attempt like the Java client: restart jitter after 1012, else backoff. */
  private void retryLater(Client c, boolean restart) {
    c.attempt++;
    long bound =
        restart
            ? o.restartJitter().toMillis()
            : Math.min(
                o.backoffMax().toMillis(),
                o.backoffInitial().toMillis() << Math.min(MAX_DOUBLINGS, c.attempt - 1));
    long delay = ThreadLocalRandom.current().nextLong(bound + 1);
    due.add(new Due(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay), c));
  }

  private void subscribed(Client c) {
    long now = System.nanoTime();
    c.subscribed = true;
    subscribedNow++;
    if (c.lostOnce) {
      downtime.recordValue((now - c.lostAt) / 1000);
      if (lost == o.conns() && subscribedNow == o.conns()) {
        allBackAt = now;
        allBackWallMillis = System.currentTimeMillis();
        allBack = true;
      }
    }
  }

  private final class Listener implements WsConn.Listener {
    @Override
    public void onOpen(WsConn conn) {
      Client c = (Client) java.util.Objects.requireNonNull(conn.attachment);
      handshakeOver(c);
      c.attempt = 0; // connected: the next backoff starts from the initial delay again
      if (o.target().dialect() != Dialect.HUB) {
        subscribed(c); // raw: the open on /sub is the subscribe
        return;
      }
      String epoch = c.epoch;
      Command.Since since = epoch == null ? null : new Command.Since(c.offset, epoch);
      try {
        conn.sendText(
            CommandEncoder.encode(new Command.Subscribe(1, c.channel, since, null))
                .getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        conn.close(1006, e.toString());
      }
    }

    @Override
    public void onMessage(WsConn conn, boolean text, ByteBuffer payload) {
      Client c = (Client) conn.attachment;
      if (!text || c == null) {
        return;
      }
      ServerMessage m = decoder.decode(StandardCharsets.UTF_8.decode(payload).toString());
      if (m instanceof ServerMessage.Ok ok && ok.id() == 1 && !c.subscribed) {
        ServerMessage.Recovery recovery = ok.recovery();
        if (recovery != null && recovery.recovered()) {
          recovered++;
        } else if (recovery != null) {
          notRecovered++;
          notRecoveredReason = recovery.reason();
        }
        ServerMessage.Position position = ok.position();
        if (position != null) {
          c.offset = position.offset();
          c.epoch = position.epoch();
        }
        subscribed(c);
      } else if (m instanceof ServerMessage.Publication p && p.epoch().equals(c.epoch)) {
        c.offset = Math.max(c.offset, p.offset());
      } else if (m instanceof ServerMessage.ErrorReply e && e.id() == 1) {
        conn.close(1006, "subscribe refused: error " + e.code());
      }
    }

    @Override
    public void onClose(WsConn conn, int code, String why) {
      Client c = (Client) conn.attachment;
      if (c == null || c.conn != conn) {
        return;
      }
      c.conn = null;
      handshakeOver(c);
      if (c.subscribed) {
        c.subscribed = false;
        subscribedNow--;
        if (armedAt != 0 && !c.lostOnce) {
          long now = System.nanoTime();
          c.lostOnce = true;
          c.lostAt = now;
          firstLoss = firstLoss == 0 ? now : firstLoss;
          lastLoss = now;
          lost++;
        }
        if (code == 1012) {
          closes1012++;
        } else {
          closesOther++;
        }
      } else {
        failedAttempts++;
      }
      retryLater(c, code == 1012);
    }
  }

  private void handshakeOver(Client c) {
    if (c.handshaking) {
      c.handshaking = false;
      connecting--;
    }
  }

  private Map<String, Object> result(boolean ready) {
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "reconnect");
    r.put("conns", o.conns());
    r.put("ready", ready);
    r.put("lost", lost);
    r.put("back", allBack ? o.conns() : subscribedNow);
    r.put("closes_1012", closes1012);
    r.put("closes_other", closesOther);
    r.put("attempts", attempts);
    r.put("failed_attempts", failedAttempts);
    r.put("recovered", recovered);
    r.put("not_recovered", notRecovered);
    if (notRecoveredReason != null) {
      r.put("not_recovered_reason", notRecoveredReason);
    }
    r.put("all_back_ms", allBack ? (allBackAt - firstLoss) / 1_000_000 : -1);
    r.put("last_loss_to_all_back_ms", allBack ? (allBackAt - lastLoss) / 1_000_000 : -1);
    r.put("all_back_at_epoch_ms", allBack ? allBackWallMillis : -1);
    r.put("downtime_p50_ms", downtime.getValueAtPercentile(50) / 1000);
    r.put("downtime_p99_ms", downtime.getValueAtPercentile(99) / 1000);
    r.put("downtime_max_ms", downtime.getMaxValue() / 1000);
    return r;
  }
}
