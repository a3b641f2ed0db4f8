package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Large binary messages: one publisher to many subscribers, as fast as a window of undelivered
 * publications allows. Reports bytes delivered per second and what the server holds meanwhile (RSS,
 * and heap in use for a JVM), and checks every message arrives complete: its length, its marker,
 * its sequence repeated in the last 8 bytes, and a sample of the bytes between against the pattern
 * they were filled with (every byte of every message would cost the load generator more CPU than
 * the server spends).
 */
final class LargeBench {
  record Options(
      Target target,
      int subs,
      int payload,
      int window,
      int warmupSeconds,
      int durationSeconds,
      int drainSeconds,
      int threads,
      long serverPid,
      String label,
      boolean quiet) {}

  /** The hub channel; the raw peers' /sub and /pub use their one topic. */
  private static final String CHANNEL = "large";

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final Options o;
  private final PrintStream err;
  private final Reactor[] reactors;
  private final Histogram[] latency;
  private final LargePayload messages;
  private final AtomicLong delivered = new AtomicLong();
  private final LongAdder deliveredInWindow = new LongAdder();
  private final LongAdder incomplete = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder closedSubs = new LongAdder();
  private final LongAdder syncedSubs = new LongAdder();
  private final RateLimitWatch rateLimits = new RateLimitWatch();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final Publisher publisher;
  private volatile boolean publishing;
  private volatile boolean measuring;

  LargeBench(Options o, PrintStream err) {
    if (o.payload() < LargePayload.MARKER_ROOM * 2) {
      throw new IllegalArgumentException(
          "large: payload of at least " + LargePayload.MARKER_ROOM * 2 + " B");
    }
    if (o.target().dialect() == Dialect.SOCKETIO) {
      throw new IllegalArgumentException("large: dialect hub or raw");
    }
    this.o = o;
    this.err = err;
    reactors = new Reactor[o.threads()];
    latency = new Histogram[o.threads()];
    for (int i = 0; i < o.threads(); i++) {
      reactors[i] = new Reactor("bench-reactor-" + i);
      latency[i] = new Histogram(3_600_000_000L, 3);
    }
    messages = new LargePayload(o.target().dialect(), CHANNEL, o.payload());
    publisher = new Publisher(reactors[0]);
  }

  Map<String, Object> run() throws InterruptedException {
    reactors[0].onTurn(publisher::turn);
    reactors[0].every(1_000_000, publisher::turn); // deliveries on other reactors free the window
    for (Reactor r : reactors) {
      r.start();
    }
    Progress progress = new Progress(err, o.quiet());
    for (int i = 0; i < o.subs(); i++) {
      Reactor r = reactors[i % reactors.length];
      Subscriber s = new Subscriber(i % reactors.length);
      subscribers.add(s);
      int index = i;
      r.execute(() -> open(r, index, o.target().dialect().subPath, s));
    }
    reactors[0].execute(() -> open(reactors[0], o.subs(), o.target().dialect().pubPath, publisher));
    sync(progress);
    long start = System.nanoTime();
    publishing = true;
    long warmupEnd = start + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(o.durationSeconds());
    long peakRss = waitUntil(warmupEnd, progress, "warm-up", start, warmupEnd);
    Sampler sampler = new Sampler(o.serverPid());
    long windowStart = System.nanoTime();
    measuring = true;
    sampler.start();
    peakRss = Math.max(peakRss, waitUntil(end, progress, "measuring", windowStart, end));
    Sampler.Reading reading = sampler.stop();
    measuring = false;
    double seconds = (System.nanoTime() - windowStart) / 1e9;
    long heapKb = heapUsedKb(); // while messages are still in flight (jcmd takes seconds)
    publishing = false;
    progress.done();
    drain();
    long lost = missing();
    rateLimits.report(err);
    for (Reactor r : reactors) {
      r.close();
    }
    Histogram all = new Histogram(3_600_000_000L, 3);
    for (Histogram h : latency) {
      all.add(h);
    }
    long msgs = Math.round(deliveredInWindow.sum() / seconds);
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "large");
    r.put("dialect", o.target().dialect().name().toLowerCase(Locale.ROOT));
    r.put("subs", o.subs());
    r.put("payload", o.payload());
    r.put("window", o.window());
    r.put("window_s", Results.round(seconds, 3));
    r.put("published", publisher.published);
    r.put("msgs_per_s", msgs);
    r.put("bytes_per_s", msgs * o.payload());
    r.put("delivered", delivered.get());
    r.put("lost", lost);
    r.put("incomplete", incomplete.sum());
    r.put("dup", duplicates.sum());
    r.put("subs_closed", closedSubs.sum());
    Results.latency(r, all);
    Results.cpu(r, reading);
    r.put("server_rss_peak_kb", Math.max(peakRss, reading.serverRssKb()));
    r.put("server_heap_used_kb", heapKb);
    return r;
  }

  private void open(Reactor r, int index, String path, WsConn.Listener l) {
    try {
      r.connect(o.target().server(), o.target().local(index), path, o.target().origin(), l);
    } catch (IOException e) {
      closedSubs.increment();
      err.printf("%nconnect failed: %s%n", e);
    }
  }

  /** Probes (small messages) until every subscriber has seen one: all are subscribed. */
  private void sync(Progress progress) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (syncedSubs.sum() < o.subs() && System.nanoTime() < deadline) {
      if (publisher.ready) {
        reactors[0].execute(publisher::probe);
      }
      progress.show("sync", (double) syncedSubs.sum() / o.subs(), syncedSubs::sum, "subs");
      Thread.sleep(100);
    }
    if (!publisher.ready) {
      throw new IllegalStateException("the publisher could not connect to " + o.target().server());
    }
    if (syncedSubs.sum() < o.subs()) {
      err.printf("%nwarning: only %d of %d subscribers synced%n", syncedSubs.sum(), o.subs());
    }
  }

  /** Waits, showing progress; returns the largest server RSS seen meanwhile (KiB, or -1). */
  private long waitUntil(long deadline, Progress progress, String phase, long from, long to)
      throws InterruptedException {
    long peak = -1;
    while (true) {
      long now = System.nanoTime();
      peak = Math.max(peak, Sampler.rssKb(o.serverPid()));
      if (now >= deadline) {
        return peak;
      }
      progress.show(phase, (double) (now - from) / (to - from), delivered::get, "deliveries");
      Thread.sleep(Math.min(250, Math.max(1, (deadline - now) / 1_000_000)));
    }
  }

  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.drainSeconds());
    while (delivered.get() < publisher.published * (o.subs() - closedSubs.sum())
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Publications not received, summed on each subscriber's own reactor thread. */
  private long missing() throws InterruptedException {
    return Reactor.sumOnOwnThreads(
        reactors, subscribers, s -> s.reactorIndex, s -> s.missing(publisher.published));
  }

  /** The server's heap in use (no GC forced) through jcmd, for a JVM server; else -1. */
  private long heapUsedKb() {
    try {
      if (o.serverPid() <= 0
          || !Files.readString(Path.of("/proc/" + o.serverPid() + "/comm")).startsWith("java")) {
        return -1;
      }
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      Process p =
          new ProcessBuilder(jcmd, Long.toString(o.serverPid()), "GC.heap_info")
              .redirectErrorStream(true)
              .start();
      String info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      Matcher m = HEAP_USED.matcher(info);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The single publisher, on reactor 0. */
  private final class Publisher implements WsConn.Listener {
    final Reactor reactor;
    volatile boolean ready;
    volatile long published;
    @Nullable WsConn conn;

    Publisher(Reactor reactor) {
      this.reactor = reactor;
    }

    void probe() {
      send(-1, LargePayload.MARKER_ROOM * 2);
    }

    void turn() {
      WsConn c = conn;
      if (!publishing || c == null || !c.isOpen()) {
        return;
      }
      while (published - delivered.get() / o.subs() < o.window() && c.queuedBuffers() < 4) {
        send(published, o.payload());
        published++;
      }
    }

    private void send(long seq, int size) {
      WsConn c = conn;
      if (c == null) {
        return;
      }
      try {
        c.sendBinary(messages.message(seq, size));
      } catch (IOException e) {
        c.close(1006, e.toString());
      }
    }

    @Override
    public void onOpen(WsConn c) {
      conn = c;
      ready = true;
    }

    @Override
    public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
      rateLimits.message(payload); // replies: refusals show here
    }

    @Override
    public void onClose(WsConn c, int code, String why) {
      rateLimits.close(code);
      err.printf("%npublisher closed: %d %s%n", code, why);
    }
  }

  /** One subscriber; its state is touched only by its reactor thread. */
  private final class Subscriber implements WsConn.Listener {
    final int reactorIndex;
    final Marker marker = new Marker();
    long next;
    final Set<Long> gaps = new HashSet<>();
    boolean synced;

    Subscriber(int reactorIndex) {
      this.reactorIndex = reactorIndex;
    }

    @Override
    public void onOpen(WsConn c) {
      byte[] sub = o.target().dialect().subscribeMessage(CHANNEL);
      try {
        if (sub != null) {
          c.sendText(sub);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void onMessage(WsConn c, boolean text, ByteBuffer message) {
      int start = text ? -1 : messages.payloadStart(message);
      if (start < 0) {
        rateLimits.message(message);
        return; // replies and other traffic
      }
      long now = System.nanoTime();
      message.position(start);
      if (!marker.parse(message) || marker.publisher != 0) {
        incomplete.increment();
        return;
      }
      long seq = marker.sequence;
      if (seq < 0) {
        if (!synced) {
          synced = true;
          syncedSubs.increment();
        }
        return;
      }
      if (!messages.complete(message, start, seq)) {
        incomplete.increment();
      }
      if (seq == next) {
        next++;
      } else if (seq > next) {
        for (long s = next; s < seq && gaps.size() < 100_000; s++) {
          gaps.add(s);
        }
        next = seq + 1;
      } else if (!gaps.remove(seq)) {
        duplicates.increment();
        return;
      }
      delivered.incrementAndGet();
      if (measuring) {
        deliveredInWindow.increment();
        latency[reactorIndex].recordValue(Math.max(0, (now - marker.sentNanos) / 1000));
      }
    }

    long missing(long published) {
      return gaps.size() + Math.max(0, published - next);
    }

    @Override
    public void onClose(WsConn c, int code, String why) {
      closedSubs.increment();
      rateLimits.close(code);
      if (!o.quiet()) {
        err.printf("%nsubscriber closed: %d %s%n", code, why);
      }
    }
  }
}
