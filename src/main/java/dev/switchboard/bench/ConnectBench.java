package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/** Opens connections as fast as a concurrency limit allows: handshakes per second and latency. */
final class ConnectBench {
  record Options(
      Target target,
      @Nullable String path,
      int conns,
      int concurrency,
      long serverPid,
      String label,
      boolean quiet) {}

  private final Options o;
  private final PrintStream err;
  private final Reactor reactor = new Reactor("bench-reactor-0");
  private final Histogram latency = new Histogram(3_600_000_000L, 3);
  private final LongAdder opened = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private int started;

  ConnectBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
  }

  Map<String, Object> run() throws InterruptedException {
    Progress progress = new Progress(err, o.quiet());
    String path = o.path() != null ? o.path() : o.target().dialect().subPath;
    WsConn.Listener listener =
        new WsConn.Listener() {
          @Override
          public void onOpen(WsConn c) {
            latency.recordValue((System.nanoTime() - c.connectStartNanos) / 1000);
            c.attachment = Boolean.TRUE;
            opened.increment();
          }

          @Override
          public void onMessage(WsConn c, boolean text, ByteBuffer payload) {}

          @Override
          public void onClose(WsConn c, int code, String why) {
            if (c.attachment == null) {
              failed.increment(); // never opened
            }
          }
        };
    reactor.onTurn(
        () -> {
          while (started < o.conns() && started - opened.sum() - failed.sum() < o.concurrency()) {
            try {
              reactor.connect(
                  o.target().server(),
                  o.target().local(started),
                  path,
                  o.target().origin(),
                  listener);
            } catch (IOException e) {
              failed.increment();
            }
            started++;
          }
        });
    Sampler sampler = new Sampler(o.serverPid());
    sampler.start();
    long t0 = System.nanoTime();
    reactor.start();
    long deadline = t0 + 300_000_000_000L;
    while (opened.sum() + failed.sum() < o.conns() && System.nanoTime() < deadline) {
      progress.show("connect", (double) opened.sum() / o.conns(), opened::sum, "conns");
      Thread.sleep(50);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Sampler.Reading reading = sampler.stop();
    progress.done();
    reactor.close();
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "connect");
    r.put("conns", o.conns());
    r.put("opened", opened.sum());
    r.put("failed", failed.sum());
    r.put("connects_per_s", Math.round(opened.sum() / seconds));
    Results.latency(r, latency);
    Results.cpu(r, reading);
    return r;
  }
}
