package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Connections that each keep {@code pipeline} messages in flight to an echo endpoint: messages per
 * second and round-trip latency.
 */
final class EchoBench {
  record Options(
      Target target,
      @Nullable String path,
      int conns,
      int payload,
      int pipeline,
      int warmupSeconds,
      int durationSeconds,
      int threads,
      long serverPid,
      String label,
      boolean quiet) {}

  private final Options o;
  private final PrintStream err;
  private final Reactor[] reactors;
  private final Histogram[] latency;
  private final LongAdder echoed = new LongAdder();
  private final LongAdder inWindow = new LongAdder();
  private final LongAdder ready = new LongAdder();
  private final LongAdder closed = new LongAdder();

  /** /echo drops a refused message without a reply, so here only the 4002 close shows. */
  private final RateLimitWatch rateLimits = new RateLimitWatch();

  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private volatile boolean running = true;

  EchoBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
    reactors = new Reactor[o.threads()];
    latency = new Histogram[o.threads()];
    for (int i = 0; i < o.threads(); i++) {
      reactors[i] = new Reactor("bench-reactor-" + i);
      latency[i] = new Histogram(3_600_000_000L, 3);
    }
  }

  Map<String, Object> run() throws InterruptedException {
    for (Reactor r : reactors) {
      r.start();
    }
    Progress progress = new Progress(err, o.quiet());
    String path = o.path() != null ? o.path() : o.target().dialect().echoPath;
    for (int i = 0; i < o.conns(); i++) {
      Reactor r = reactors[i % reactors.length];
      Client c = new Client(latency[i % reactors.length]);
      int index = i;
      r.execute(
          () -> {
            try {
              r.connect(o.target().server(), o.target().local(index), path, o.target().origin(), c);
            } catch (IOException e) {
              closed.increment();
            }
          });
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (ready.sum() + closed.sum() < o.conns() && System.nanoTime() < deadline) {
      progress.show("connect", (double) ready.sum() / o.conns(), ready::sum, "conns");
      Thread.sleep(20);
    }
    long start = System.nanoTime();
    for (Reactor r : reactors) {
      r.execute(() -> {}); // wake up: clients start sending once ready
    }
    long warmupEnd = start + o.warmupSeconds() * 1_000_000_000L;
    long end = warmupEnd + o.durationSeconds() * 1_000_000_000L;
    Sampler sampler = new Sampler(o.serverPid());
    while (System.nanoTime() < warmupEnd) {
      progress.show(
          "warm-up",
          (double) (System.nanoTime() - start) / (warmupEnd - start),
          echoed::sum,
          "msgs");
      Thread.sleep(100);
    }
    windowStart = System.nanoTime();
    windowEnd = end;
    sampler.start();
    while (System.nanoTime() < end) {
      progress.show(
          "measuring",
          (double) (System.nanoTime() - windowStart) / (end - windowStart),
          echoed::sum,
          "msgs");
      Thread.sleep(100);
    }
    Sampler.Reading reading = sampler.stop();
    double seconds = (System.nanoTime() - windowStart) / 1e9;
    running = false;
    progress.done();
    rateLimits.report(err);
    Histogram all = new Histogram(3_600_000_000L, 3);
    for (Reactor r : reactors) {
      r.close();
    }
    for (Histogram h : latency) {
      all.add(h);
    }
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "echo");
    r.put("dialect", o.target().dialect().name().toLowerCase(java.util.Locale.ROOT));
    r.put("conns", o.conns());
    r.put("conns_ok", ready.sum() - closed.sum());
    r.put("payload", o.payload());
    r.put("pipeline", o.pipeline());
    r.put("window_s", Results.round(seconds, 3));
    r.put("msgs", inWindow.sum());
    r.put("msgs_per_s", Math.round(inWindow.sum() / seconds));
    Results.latency(r, all);
    Results.cpu(r, reading);
    return r;
  }

  /** One echo client; touched only by its reactor thread. */
  private final class Client implements WsConn.Listener {
    final Histogram latency;
    final Marker marker = new Marker();
    long sent;

    Client(Histogram latency) {
      this.latency = latency;
    }

    @Override
    public void onOpen(WsConn c) {
      if (o.target().dialect().readyOnOpen()) {
        start(c);
      }
    }

    private void start(WsConn c) {
      ready.increment();
      for (int i = 0; i < o.pipeline(); i++) {
        send(c);
      }
    }

    private void send(WsConn c) {
      try {
        c.sendText(
            o.target().dialect().echo(Marker.payload(0, sent++, System.nanoTime(), o.payload())));
      } catch (IOException e) {
        c.close(1006, e.toString());
      }
    }

    @Override
    public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
      try {
        if (o.target().dialect().control(c, payload, () -> start(c))) {
          return;
        }
      } catch (IOException e) {
        c.close(1006, e.toString());
        return;
      }
      if (!marker.parse(payload)) {
        rateLimits.message(payload);
        return;
      }
      long now = System.nanoTime();
      echoed.increment();
      if (now >= windowStart && now < windowEnd) {
        inWindow.increment();
        latency.recordValue(Math.max(0, (now - marker.sentNanos) / 1000));
      }
      if (running) {
        send(c);
      }
    }

    @Override
    public void onClose(WsConn c, int code, String why) {
      closed.increment();
      rateLimits.close(code);
      if (running && !o.quiet()) {
        err.printf("%necho connection closed: %d %s%n", code, why);
      }
    }
  }
}
