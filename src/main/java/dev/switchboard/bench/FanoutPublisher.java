package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One publisher of a {@link FanoutBench}: as fast as the window allows, or at a fixed rate; its
 * state is touched only by its reactor thread (published is read at the end).
 */
final class FanoutPublisher implements WsConn.Listener {
  private final FanoutBench bench;
  private final FanoutBench.Options o;
  private final RateLimitWatch rateLimits;
  private final PrintStream err;
  private final Dialect.Publishes publishes;
  final int index;
  final Reactor reactor;
  volatile boolean ready;
  volatile long published;
  @Nullable WsConn conn;
  long start;
  final double perSecond;

  FanoutPublisher(
      FanoutBench bench,
      FanoutBench.Options o,
      RateLimitWatch rateLimits,
      PrintStream err,
      int index,
      Reactor reactor) {
    this.bench = bench;
    this.o = o;
    this.rateLimits = rateLimits;
    this.err = err;
    this.index = index;
    this.reactor = reactor;
    this.perSecond = (double) o.rate() / o.pubs();
    this.publishes = o.target().dialect().publishes(o.channel());
  }

  @Override
  public void onOpen(WsConn c) {
    conn = c;
    if (o.target().dialect().readyOnOpen()) {
      ready = true;
    }
  }

  void probe() {
    // Probes start once every publisher is ready, which is after its connection opened.
    send(Objects.requireNonNull(conn, "probe before connect"), -1, System.nanoTime());
  }

  void begin(long startNanos) {
    start = startNanos;
    reactor.onTurn(this::turn);
    if (o.rate() > 0) {
      reactor.every(1_000_000, this::turn); // wake every millisecond to keep the rate
    }
    turn();
  }

  private void turn() {
    WsConn c = conn;
    if (!bench.isPublishing() || c == null || !c.isOpen()) {
      return;
    }
    c.cork(); // what this turn publishes leaves in one write, as a busy client would send it
    try {
      publishDue(c);
      c.uncork();
    } catch (IOException e) {
      c.close(1006, e.toString());
    }
  }

  private void publishDue(WsConn conn) {
    if (o.rate() > 0) {
      long now = System.nanoTime();
      long due = (long) ((now - start) / 1e9 * perSecond);
      while (published < due && conn.queuedBuffers() < 1024) {
        long intended = start + (long) (published / perSecond * 1e9);
        send(conn, published, intended);
        published++;
      }
    } else {
      while (published - bench.completed(index) < o.window() && conn.queuedBuffers() < 64) {
        send(conn, published, System.nanoTime());
        published++;
      }
    }
  }

  private void send(WsConn conn, long seq, long sentNanos) {
    try {
      conn.sendText(
          publishes.of(Marker.payload(index, seq, sentNanos, o.payload(), o.target().deflate())));
    } catch (IOException e) {
      conn.close(1006, e.toString());
    }
  }

  @Override
  public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
    try {
      if (!o.target().dialect().control(c, payload, () -> ready = true)) {
        rateLimits.message(payload); // a publisher's traffic is replies: refusals show here
      }
    } catch (IOException e) {
      c.close(1006, e.toString());
    }
  }

  @Override
  public void onClose(WsConn c, int code, String why) {
    rateLimits.close(code);
    err.printf("%npublisher %d closed: %d %s%n", index, code, why);
  }
}
