package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Many rooms, the shape of a chat: {@code rooms} channels with {@code subsPerRoom} subscribers
 * each, and {@code pubs} publishers, each publishing to a room of its own (the other rooms only
 * hold their subscribers). Two phases on the same connections: as fast as a window of undelivered
 * publications per publisher allows (deliveries/s at saturation), then a fixed total rate whose
 * intended send times latency is measured from. Every subscriber checks that it gets its own room's
 * publications only, each once and in order.
 */
final class RoomsBench {
  /**
   * @param window publications per publisher not yet delivered to its whole room; 0 skips the
   *     saturation phase
   * @param rate publications/s over all publishers in the fixed-rate phase; 0 skips it
   */
  record Options(
      Target target,
      int rooms,
      int subsPerRoom,
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
      boolean quiet) {}

  /** What publishers do, and which phase subscribers count deliveries and latency for. */
  enum Phase {
    IDLE,
    SATURATE,
    RATE
  }

  final Options o;
  final PrintStream err;
  private final Reactor[] reactors;

  // Package-private from here on: the counters RoomsSubscriber and RoomsPublisher update.

  /** Latency per phase and reactor: each reactor's subscribers record into their own. */
  final Histogram[][] latency = new Histogram[Phase.values().length][];

  final LongAdder[] inWindow = new LongAdder[Phase.values().length];
  final LongAdder delivered = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder reordered = new LongAdder();
  final LongAdder badMessages = new LongAdder();
  final LongAdder closedSubs = new LongAdder();
  final LongAdder readySubs = new LongAdder();
  final RateLimitWatch rateLimits = new RateLimitWatch();

  /** Per room: subscribers that have seen a probe, so their subscription is in place. */
  final AtomicIntegerArray synced;

  /** Per publisher: deliveries of its publications over its room, for the window. */
  final AtomicLongArray deliveredBy;

  private final List<RoomsSubscriber> subscribers = new ArrayList<>();
  final List<RoomsPublisher> publishers = new ArrayList<>();
  private volatile Phase publishing = Phase.IDLE;
  volatile Phase measuring = Phase.IDLE;

  RoomsBench(Options o, PrintStream err) {
    if (o.pubs() < 1 || o.pubs() > o.rooms() || o.subsPerRoom() < 1) {
      throw new IllegalArgumentException("rooms: need 1 <= pubs <= rooms and subs-per-room >= 1");
    }
    o.target().dialect().roomSubPath("room-0"); // refuses dialects without rooms up front
    this.o = o;
    this.err = err;
    reactors = new Reactor[o.threads()];
    for (Phase p : Phase.values()) {
      latency[p.ordinal()] = new Histogram[o.threads()];
      inWindow[p.ordinal()] = new LongAdder();
      for (int i = 0; i < o.threads(); i++) {
        latency[p.ordinal()][i] = new Histogram(3_600_000_000L, 3);
      }
    }
    for (int i = 0; i < o.threads(); i++) {
      reactors[i] = new Reactor("bench-reactor-" + i);
    }
    synced = new AtomicIntegerArray(o.rooms());
    deliveredBy = new AtomicLongArray(o.pubs());
  }

  static String roomName(int room) {
    return "room-" + room;
  }

  /** The room publisher {@code p} publishes to: spread evenly over all rooms. */
  int roomOf(int p) {
    return (int) ((long) p * o.rooms() / o.pubs());
  }

  Map<String, Object> run() throws InterruptedException {
    int[] publisherOf = new int[o.rooms()];
    java.util.Arrays.fill(publisherOf, -1);
    for (int p = 0; p < o.pubs(); p++) {
      publisherOf[roomOf(p)] = p;
      RoomsPublisher pub =
          new RoomsPublisher(this, o, rateLimits, err, p, reactors[p % reactors.length]);
      publishers.add(pub);
    }
    for (int i = 0; i < reactors.length; i++) {
      int r = i;
      List<RoomsPublisher> mine =
          publishers.stream().filter(p -> p.reactor == reactors[r]).toList();
      Runnable drive = RoomsPublisher.driver(mine);
      reactors[i].onTurn(drive);
      reactors[i].every(1_000_000, drive); // wake every millisecond to keep the rate
      reactors[i].start();
    }
    Progress progress = new Progress(err, o.quiet());
    connectSubscribers(progress, publisherOf);
    connectPublishers();
    sync(progress);

    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "rooms");
    r.put("dialect", o.target().dialect().name().toLowerCase(Locale.ROOT));
    r.put("rooms", o.rooms());
    r.put("subs_per_room", o.subsPerRoom());
    r.put("subs", subscribers.size());
    r.put("pubs", o.pubs());
    r.put("payload", o.payload());
    r.put("window", o.window());
    r.put("rate_target", o.rate());
    long lostBefore = 0;
    if (o.window() > 0) {
      PhaseResult sat = phase(Phase.SATURATE, progress);
      r.put("deliveries_per_s", sat.deliveriesPerSecond);
      r.put("sat_p50_us", sat.latency.getValueAtPercentile(50));
      r.put("sat_p99_us", sat.latency.getValueAtPercentile(99));
      r.put("lost_sat", sat.lostAfter);
      Results.cpu(r, sat.reading);
      lostBefore = sat.lostAfter;
    }
    if (o.rate() > 0) {
      PhaseResult fixed = phase(Phase.RATE, progress);
      r.put("rate_deliveries_per_s", fixed.deliveriesPerSecond);
      Results.latency(r, fixed.latency);
      r.put("lost", Math.max(0, fixed.lostAfter - lostBefore));
      r.put("rate_server_cpu_pct", Math.round(fixed.reading.serverCpuPct()));
      r.put("rate_server_rss_kb", fixed.reading.serverRssKb());
    }
    r.put("published", publishers.stream().mapToLong(p -> p.published).sum());
    r.put("delivered", delivered.sum());
    r.put("subs_closed", closedSubs.sum());
    r.put("dup", duplicates.sum());
    r.put("reordered", reordered.sum());
    r.put("bad_msgs", badMessages.sum());
    rateLimits.report(err);
    for (Reactor reactor : reactors) {
      reactor.close();
    }
    return r;
  }

  private record PhaseResult(
      long deliveriesPerSecond, Histogram latency, Sampler.Reading reading, long lostAfter) {}

  private PhaseResult phase(Phase phase, Progress progress) throws InterruptedException {
    Sampler sampler = new Sampler(o.serverPid());
    long start = System.nanoTime();
    publishing = phase;
    for (RoomsPublisher p : publishers) {
      p.reactor.execute(() -> p.begin(phase, start));
    }
    long warmupEnd = start + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(o.durationSeconds());
    String name = phase.name().toLowerCase(Locale.ROOT);
    waitUntil(warmupEnd, progress, name + " warm-up", start, warmupEnd);
    long windowStart = System.nanoTime();
    measuring = phase;
    sampler.start();
    waitUntil(end, progress, name, windowStart, end);
    Sampler.Reading reading = sampler.stop();
    measuring = Phase.IDLE;
    double seconds = (System.nanoTime() - windowStart) / 1e9;
    publishing = Phase.IDLE;
    progress.done();
    drain();
    Histogram all = new Histogram(3_600_000_000L, 3);
    for (Histogram h : latency[phase.ordinal()]) {
      all.add(h);
    }
    return new PhaseResult(
        Math.round(inWindow[phase.ordinal()].sum() / seconds), all, reading, missing());
  }

  private void connectSubscribers(Progress progress, int[] publisherOf)
      throws InterruptedException {
    int subs = o.rooms() * o.subsPerRoom();
    for (int i = 0; i < subs; i++) {
      Reactor r = reactors[i % reactors.length];
      int room = i % o.rooms();
      RoomsSubscriber s =
          new RoomsSubscriber(this, i, room, publisherOf[room], i % reactors.length);
      subscribers.add(s);
      int index = i;
      r.execute(() -> open(r, index, o.target().dialect().roomSubPath(roomName(room)), s));
      if (i % 256 == 255) {
        awaitReady(i + 1 - 512, progress);
      }
    }
    awaitReady(subs, progress);
  }

  private void connectPublishers() throws InterruptedException {
    int subs = subscribers.size();
    for (RoomsPublisher p : publishers) {
      String path = o.target().dialect().roomPubPath(roomName(p.room));
      p.reactor.execute(() -> open(p.reactor, subs + p.index, path, p));
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (publishers.stream().anyMatch(p -> !p.ready) && System.nanoTime() < deadline) {
      Thread.sleep(10); // waiting for other threads' sockets; no test, a tool's poll
    }
    if (publishers.stream().anyMatch(p -> !p.ready)) {
      throw new IllegalStateException("publishers could not connect to " + o.target().server());
    }
  }

  /** Probes every room that has a publisher until all its subscribers have seen one. */
  private void sync(Progress progress) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    int want = o.pubs() * o.subsPerRoom();
    while (System.nanoTime() < deadline) {
      int done = 0;
      for (RoomsPublisher p : publishers) {
        if (synced.get(p.room) < o.subsPerRoom()) {
          p.reactor.execute(p::probe);
        } else {
          done += o.subsPerRoom();
        }
      }
      if (done == want) {
        return;
      }
      int d = done;
      progress.show("sync", (double) d / want, () -> d, "subs");
      Thread.sleep(100);
    }
    err.printf("%nwarning: not every room's subscribers synced%n");
  }

  private void open(Reactor r, int index, String path, WsConn.Listener l) {
    try {
      r.connect(o.target().server(), o.target().local(index), path, o.target().origin(), l);
    } catch (IOException e) {
      closedSubs.increment();
      err.printf("%nconnect failed: %s%n", e);
    }
  }

  private void awaitReady(long target, Progress progress) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (readySubs.sum() + closedSubs.sum() < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "connect: only " + readySubs.sum() + " of " + target + " connections");
      }
      progress.show(
          "connect",
          (double) readySubs.sum() / (o.rooms() * o.subsPerRoom()),
          readySubs::sum,
          "conns");
      Thread.sleep(20);
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

  /** Waits up to the drain time for every publication to reach its room. */
  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.drainSeconds());
    long expected = publishers.stream().mapToLong(p -> p.published).sum() * o.subsPerRoom();
    while (delivered.sum() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Publications not (yet) received, summed on each subscriber's own reactor thread. */
  private long missing() throws InterruptedException {
    return Reactor.sumOnOwnThreads(
        reactors, subscribers, s -> s.reactorIndex, RoomsSubscriber::missing);
  }

  Phase publishing() {
    return publishing;
  }

  long deliveredBy(int publisher) {
    return deliveredBy.get(publisher);
  }
}
