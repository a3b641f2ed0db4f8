package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients that subscribe and then never read again, with small receive buffers: the attack a hub
 * must survive without cutting its healthy readers. Run it beside {@code bench fanout} on the same
 * channel (see {@code bench/stalled.sh}). It holds the connections for a bounded time, then closes
 * them, and reports how many the server closed first.
 */
final class StallBench {
  /**
   * @param receiveBuffer each connection's SO_RCVBUF in bytes (small makes the stall bite early)
   * @param holdSeconds how long the stalled connections are kept before the tool closes them
   */
  record Options(
      Target target, String channel, int conns, int receiveBuffer, int holdSeconds, String label) {}

  private final Options o;
  private final PrintStream err;
  private final LongAdder subscribed = new LongAdder();
  private final LongAdder failed = new LongAdder();

  StallBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
  }

  Map<String, Object> run() throws IOException, InterruptedException {
    byte[] subscribe = o.target().dialect().subscribeMessage(o.channel());
    if (subscribe == null) {
      throw new IllegalArgumentException(
          "the " + o.target().dialect() + " dialect has no subscriptions");
    }
    try (Reactor reactor = new Reactor("stall")) {
      reactor.start();
      WsConn.Listener stalling =
          new WsConn.Listener() {
            @Override
            public void onOpen(WsConn c) {
              try {
                c.sendText(subscribe);
              } catch (IOException e) {
                failed.increment();
              }
            }

            @Override
            public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
              c.stopReading(); // the subscription's reply arrived: from now on nothing is read
              subscribed.increment();
            }

            @Override
            public void onClose(WsConn c, int code, String why) {
              failed.increment();
            }
          };
      for (int i = 0; i < o.conns(); i++) {
        int index = i;
        reactor.execute(
            () -> {
              try {
                reactor.connect(
                    o.target().server(),
                    o.target().local(index),
                    o.target().dialect().subPath,
                    o.target().origin(),
                    stalling,
                    o.receiveBuffer());
              } catch (IOException e) {
                failed.increment();
              }
            });
      }
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (subscribed.sum() + failed.sum() < o.conns() && System.nanoTime() < deadline) {
        Thread.sleep(20); // a tool's poll of other threads' sockets, bounded by the deadline
      }
      err.printf(
          "stalled %d connections (%d failed); holding them %d s%n",
          subscribed.sum(), failed.sum(), o.holdSeconds());
      Thread.sleep(o.holdSeconds() * 1000L);
    }
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "stall");
    r.put("conns", o.conns());
    r.put("stalled", subscribed.sum());
    r.put("failed", failed.sum());
    r.put("rcvbuf", o.receiveBuffer());
    r.put("hold_s", o.holdSeconds());
    return r;
  }
}
