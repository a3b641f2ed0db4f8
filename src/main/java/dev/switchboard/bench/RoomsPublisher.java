package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One publisher of a {@link RoomsBench}, publishing to its own room: within a window of undelivered
 * publications, or on a fixed schedule. Its state is touched only by its reactor thread ({@code
 * published} is read by others).
 */
final class RoomsPublisher implements WsConn.Listener {
  /**
   * How often, at most, a reactor's publishers are looked at between its timer ticks: a thousand
   * publishers checked on every turn of a busy loop would cost more than the deliveries they wait
   * for, and a window needs no faster answer.
   */
  private static final long DRIVE_INTERVAL_NANOS = 200_000;

  private final RoomsBench bench;
  private final RoomsBench.Options o;
  private final RateLimitWatch rateLimits;
  private final PrintStream err;
  private final Dialect.Publishes publishes;
  final int index;
  final int room;
  final Reactor reactor;
  volatile boolean ready;
  volatile long published;
  private @Nullable WsConn conn;
  private RoomsBench.Phase phase = RoomsBench.Phase.IDLE;
  private long start;
  private long base;
  private final double perSecond;

  /**
   * Where in each period of the schedule this publisher sends, as a fraction of it: staggered, so
   * the publishers together send evenly instead of all at the same instants.
   */
  private final double offset;

  RoomsPublisher(
      RoomsBench bench,
      RoomsBench.Options o,
      RateLimitWatch rateLimits,
      PrintStream err,
      int index,
      Reactor reactor) {
    this.bench = bench;
    this.o = o;
    this.rateLimits = rateLimits;
    this.err = err;
    this.index = index;
    this.room = bench.roomOf(index);
    this.reactor = reactor;
    this.perSecond = (double) o.rate() / o.pubs();
    this.offset = (double) index / o.pubs();
    this.publishes = o.target().dialect().publishes(RoomsBench.roomName(room));
  }

  /** Runs the publishers of one reactor: on its turns (at most every 200 µs) and timer ticks. */
  static Runnable driver(List<RoomsPublisher> mine) {
    long[] last = {0};
    return () -> {
      long now = System.nanoTime();
      if (now - last[0] < DRIVE_INTERVAL_NANOS) {
        return;
      }
      last[0] = now;
      for (int i = 0; i < mine.size(); i++) {
        mine.get(i).turn(now);
      }
    };
  }

  @Override
  public void onOpen(WsConn c) {
    conn = c;
    ready = true;
  }

  void probe() {
    // Probes start once every publisher is ready, which is after its connection opened.
    send(Objects.requireNonNull(conn, "probe before connect"), -1, System.nanoTime());
  }

  /** Starts a phase (on the reactor thread); sequences go on from where the last one stopped. */
  void begin(RoomsBench.Phase p, long startNanos) {
    phase = p;
    start = startNanos;
    base = published;
  }

  private void turn(long now) {
    WsConn c = conn;
    if (phase == RoomsBench.Phase.IDLE || bench.publishing() != phase || c == null || !c.isOpen()) {
      return;
    }
    c.cork(); // what this turn publishes leaves in one write
    try {
      if (phase == RoomsBench.Phase.SATURATE) {
        while (published - bench.deliveredBy(index) / o.subsPerRoom() < o.window()
            && c.queuedBuffers() < 64) {
          send(c, published, System.nanoTime());
          published++;
        }
      } else {
        long due = (long) Math.floor((now - start) / 1e9 * perSecond - offset) + 1;
        while (published - base < due && c.queuedBuffers() < 1024) {
          long intended = start + (long) ((published - base + offset) / perSecond * 1e9);
          send(c, published, intended);
          published++;
        }
      }
      c.uncork();
    } catch (IOException e) {
      c.close(1006, e.toString());
    }
  }

  private void send(WsConn c, long seq, long sentNanos) {
    try {
      c.sendText(publishes.of(Marker.payload(index, seq, sentNanos, o.payload())));
    } catch (IOException e) {
      c.close(1006, e.toString());
    }
  }

  @Override
  public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
    rateLimits.message(payload); // a publisher's traffic is replies: refusals show here
  }

  @Override
  public void onClose(WsConn c, int code, String why) {
    rateLimits.close(code);
    err.printf("%npublisher %d (room %d) closed: %d %s%n", index, room, code, why);
  }
}
