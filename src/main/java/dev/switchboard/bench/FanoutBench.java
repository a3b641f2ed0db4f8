package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Publishers to many subscribers: deliveries per second, delivery latency, and whether every
 * subscriber got every publication once and in order. Either as fast as a window of undelivered
 * publications allows, or at a fixed rate whose intended send times are what latency is measured
 * from (no coordinated omission).
 *
 * <p>Longer than most classes: subscribers and publishers share the window ledger (deliveries per
 * in-flight publication) and the counters, which splitting them apart would have to expose.
 */
final class FanoutBench {
  /**
   * @param pubTarget where publishers connect: the subscribers' server, or another node of the same
   *     cluster (fan-out through the cluster engine)
   * @param rate publications per second over all publishers; 0 means as fast as the window allows
   */
  record Options(
      Target target,
      Target pubTarget,
      String channel,
      int subs,
      int pubs,
      int payload,
      int window,
      int rate,
      int warmupSeconds,
      int durationSeconds,
      int drainSeconds,
      int threads,
      long serverPid,
      String label,
      boolean quiet,
      int coalesceMicros) {}

  private final Options o;
  private final PrintStream err;
  private final Reactor[] reactors;
  private final Histogram[] latency;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder deliveredInWindow = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder reordered = new LongAdder();
  private final LongAdder badMessages = new LongAdder();
  private final LongAdder closedSubs = new LongAdder();
  private final LongAdder readySubs = new LongAdder();
  private final LongAdder syncedSubs = new LongAdder();
  private final RateLimitWatch rateLimits = new RateLimitWatch();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final List<FanoutPublisher> publishers = new ArrayList<>();

  /** Deliveries per in-flight publication, to keep the window: slot = sequence & ringMask. */
  private final AtomicIntegerArray[] ring;

  private final int ringMask;
  private final AtomicLong[] completed;
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private volatile boolean publishing;

  FanoutBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
    reactors = new Reactor[o.threads()];
    latency = new Histogram[o.threads()];
    for (int i = 0; i < o.threads(); i++) {
      reactors[i] = new Reactor("bench-reactor-" + i, o.coalesceMicros() * 1000L);
      if (o.target().deflate()) {
        reactors[i].offerDeflate();
      }
      latency[i] = new Histogram(3_600_000_000L, 3);
    }
    int ringSize =
        Integer.highestOneBit(Math.max(64, o.window() * 4 + (o.rate() > 0 ? 65536 : 0)) * 2 - 1);
    ringMask = ringSize - 1;
    ring = new AtomicIntegerArray[o.pubs()];
    completed = new AtomicLong[o.pubs()];
    for (int p = 0; p < o.pubs(); p++) {
      ring[p] = new AtomicIntegerArray(ringSize);
      completed[p] = new AtomicLong();
    }
  }

  Map<String, Object> run() throws InterruptedException {
    for (Reactor r : reactors) {
      r.start();
    }
    Progress progress = new Progress(err, o.quiet());
    connectSubscribers(progress);
    connectPublishers();
    sync(progress);

    Sampler sampler = new Sampler(o.serverPid());
    long start = System.nanoTime();
    publishing = true;
    for (FanoutPublisher p : publishers) {
      p.reactor.execute(() -> p.begin(start));
    }
    long warmupEnd = start + o.warmupSeconds() * 1_000_000_000L;
    long end = warmupEnd + o.durationSeconds() * 1_000_000_000L;
    waitUntil(warmupEnd, progress, "warm-up", start, warmupEnd);
    windowStart = System.nanoTime();
    windowEnd = end;
    sampler.start();
    waitUntil(end, progress, "measuring", windowStart, end);
    Sampler.Reading reading = sampler.stop();
    publishing = false;
    long measuredNanos = System.nanoTime() - windowStart;
    progress.done();
    rateLimits.report(err);
    long drained = drain();
    Map<String, Object> result = summarize(reading, measuredNanos, drained);
    for (Reactor r : reactors) {
      r.close();
    }
    return result;
  }

  private void connectSubscribers(Progress progress) throws InterruptedException {
    for (int i = 0; i < o.subs(); i++) {
      Reactor r = reactors[i % reactors.length];
      Subscriber s = new Subscriber(i, r, latency[i % reactors.length]);
      subscribers.add(s);
      int index = i;
      r.execute(() -> open(r, o.target(), index, o.target().dialect().subPath, s));
      if (i % 256 == 255) {
        awaitAtLeast(readySubs, i + 1 - 512, progress, "connect");
      }
    }
    awaitAtLeast(readySubs, o.subs(), progress, "connect");
  }

  private void connectPublishers() throws InterruptedException {
    for (int p = 0; p < o.pubs(); p++) {
      Reactor r = reactors[p % reactors.length];
      FanoutPublisher pub = new FanoutPublisher(this, o, rateLimits, err, p, r);
      publishers.add(pub);
      r.execute(
          () -> open(r, o.pubTarget(), o.subs() + pub.index, o.target().dialect().pubPath, pub));
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (publishers.stream().anyMatch(p -> !p.ready) && System.nanoTime() < deadline) {
      Thread.sleep(10); // waiting for other threads' sockets; no test, a tool's poll
    }
    if (publishers.stream().anyMatch(p -> !p.ready)) {
      throw new IllegalStateException("publishers could not connect to " + o.pubTarget().server());
    }
  }

  /** Publishes probes until every subscriber has seen one: all subscriptions are in place. */
  private void sync(Progress progress) throws InterruptedException {
    FanoutPublisher p0 = publishers.get(0);
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (syncedSubs.sum() < o.subs() && System.nanoTime() < deadline) {
      p0.reactor.execute(p0::probe);
      progress.show("sync", (double) syncedSubs.sum() / o.subs(), syncedSubs::sum, "subs");
      Thread.sleep(100);
    }
    if (syncedSubs.sum() < o.subs()) {
      err.printf("%nwarning: only %d of %d subscribers synced%n", syncedSubs.sum(), o.subs());
    }
  }

  private void open(Reactor r, Target target, int index, String path, WsConn.Listener l) {
    try {
      r.connect(target.server(), target.local(index), path, target.origin(), l);
    } catch (IOException e) {
      closedSubs.increment();
      err.printf("%nconnect failed: %s%n", e);
    }
  }

  private void waitUntil(long deadline, Progress progress, String phase, long from, long to)
      throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      if (now >= deadline) {
        return;
      }
      progress.show(phase, (double) (now - from) / (to - from), delivered::sum, "deliveries");
      Thread.sleep(Math.min(250, Math.max(1, (deadline - now) / 1_000_000)));
    }
  }

  private void awaitAtLeast(LongAdder counter, long target, Progress progress, String phase)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (counter.sum() + closedSubs.sum() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            phase + ": only " + counter.sum() + " of " + target + " connections");
      }
      progress.show(phase, (double) counter.sum() / o.subs(), counter::sum, "conns");
      Thread.sleep(20);
    }
  }

  /** Waits up to the drain time for late deliveries; returns ms spent. */
  private long drain() throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + o.drainSeconds() * 1_000_000_000L;
    long expected = expectedDeliveries();
    while (delivered.sum() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private long publishedTotal() {
    long n = 0;
    for (FanoutPublisher p : publishers) {
      n += p.published;
    }
    return n;
  }

  private long expectedDeliveries() {
    return publishedTotal() * (o.subs() - closedSubs.sum());
  }

  private Map<String, Object> summarize(Sampler.Reading reading, long measuredNanos, long drainMs) {
    Histogram all = new Histogram(3_600_000_000L, 3);
    for (Histogram h : latency) {
      all.add(h);
    }
    long published = publishedTotal();
    long lost = 0;
    for (Subscriber s : subscribers) {
      lost += s.missing(published);
    }
    double seconds = measuredNanos / 1e9;
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "fanout");
    r.put("dialect", o.target().dialect().name().toLowerCase(java.util.Locale.ROOT));
    r.put("subs", o.subs());
    r.put("subs_ok", o.subs() - closedSubs.sum());
    r.put("pubs", o.pubs());
    r.put("payload", o.payload());
    r.put("rate_target", o.rate());
    r.put("window", o.window());
    r.put("window_s", Results.round(seconds, 3));
    r.put("published", published);
    r.put("deliveries_per_s", Math.round(deliveredInWindow.sum() / seconds));
    r.put("delivered", delivered.sum());
    r.put("lost", lost);
    r.put("dup", duplicates.sum());
    r.put("reordered", reordered.sum());
    r.put("bad_msgs", badMessages.sum());
    r.put("drain_ms", drainMs);
    Results.latency(r, all);
    Results.cpu(r, reading);
    return r;
  }

  /** One subscriber; all its state is touched only by its reactor thread. */
  private final class Subscriber implements WsConn.Listener {
    final int index;
    final Reactor reactor;
    final Histogram latency;
    final Marker marker = new Marker();

    /** Per publisher: the next sequence expected, and sequences skipped but maybe still coming. */
    final long[] next = new long[o.pubs()];

    final List<Set<Long>> gaps = new ArrayList<>();
    boolean synced;
    @Nullable WsConn conn;

    Subscriber(int index, Reactor reactor, Histogram latency) {
      this.index = index;
      this.reactor = reactor;
      this.latency = latency;
      for (int p = 0; p < o.pubs(); p++) {
        gaps.add(new HashSet<>());
      }
    }

    @Override
    public void onOpen(WsConn c) {
      conn = c;
      if (o.target().dialect().readyOnOpen()) {
        ready(c);
      }
    }

    private void ready(WsConn c) {
      byte[] sub = o.target().dialect().subscribeMessage(o.channel());
      try {
        if (sub != null) {
          c.sendText(sub);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      readySubs.increment();
    }

    @Override
    public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
      try {
        if (o.target().dialect().control(c, payload, () -> ready(c))) {
          return;
        }
      } catch (IOException e) {
        c.close(1006, e.toString());
        return;
      }
      if (!marker.parse(payload)) {
        rateLimits.message(payload);
        return; // replies and other traffic
      }
      long now = System.nanoTime();
      if (marker.sequence < 0) {
        if (!synced) {
          synced = true;
          syncedSubs.increment();
        }
        return;
      }
      int p = marker.publisher;
      if (p < 0 || p >= o.pubs()) {
        badMessages.increment();
        return;
      }
      long seq = marker.sequence;
      if (seq == next[p]) {
        next[p]++;
      } else if (seq > next[p]) {
        Set<Long> g = gaps.get(p);
        for (long s = next[p]; s < seq && g.size() < 100_000; s++) {
          g.add(s);
        }
        next[p] = seq + 1;
      } else if (gaps.get(p).remove(seq)) {
        reordered.increment();
      } else {
        duplicates.increment();
        return;
      }
      delivered.increment();
      if (now >= windowStart && now < windowEnd) {
        deliveredInWindow.increment();
        latency.recordValue(Math.max(0, (now - marker.sentNanos) / 1000));
      }
      if (ring[p].incrementAndGet((int) (seq & ringMask)) == subscribers.size()) {
        ring[p].set((int) (seq & ringMask), 0);
        completed[p].incrementAndGet();
      }
    }

    long missing(long publishedTotal) {
      long m = 0;
      for (int p = 0; p < o.pubs(); p++) {
        m += gaps.get(p).size() + Math.max(0, publishers.get(p).published - next[p]);
      }
      return m;
    }

    @Override
    public void onClose(WsConn c, int code, String why) {
      closedSubs.increment();
      rateLimits.close(code);
      if (!o.quiet()) {
        err.printf("%nsubscriber %d closed: %d %s%n", index, code, why);
      }
    }
  }

  boolean isPublishing() {
    return publishing;
  }

  /** Publications of publisher {@code index} every subscriber has received. */
  long completed(int index) {
    return completed[index].get();
  }
}
