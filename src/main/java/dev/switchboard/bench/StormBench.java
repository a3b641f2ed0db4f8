package dev.switchboard.bench;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The connection storm: new connections per second, each one a handshake and a subscribe (hub: the
 * subscribe command and its reply; raw servers: the open on {@code /sub}), offered on an open-loop
 * schedule of increasing steps until a step fails. A step fails when one of its connections fails
 * (refused handshake, error reply, closed, connect error) or takes longer than the timeout, or when
 * the server falls behind: the step's median handshake-and-subscribe time is above 250 ms, or at
 * its end more connections are in flight than a whole second of the offered rate (which stops the
 * ramp at once). A load generator that stalls (a shared machine) catches up with the schedule in a
 * burst; its longest stall is reported, not judged. Each connection is closed as soon as it is
 * subscribed, so the open-file limit is not what is measured. Everything but the main thread's
 * waiting runs on one reactor thread.
 */
final class StormBench {
  /**
   * @param startRate connections per second of the first step
   * @param factor each step offers this many times the previous step's rate
   * @param step how long each step lasts
   * @param maxRun the ramp stops after this long even without a failure
   * @param timeout a connection not subscribed after this long has failed
   * @param maxInFlight the step is cut short (as falling behind) when this many are in flight: the
   *     load generator's and the server's file descriptors stay bounded
   */
  record Options(
      Target target,
      String channel,
      int startRate,
      double factor,
      Duration step,
      Duration maxRun,
      Duration timeout,
      int maxInFlight,
      long serverPid,
      String label,
      boolean quiet) {}

  /** Falling behind: a step's median connection took longer than this (a queue is building). */
  private static final long LAG_MICROS = 250_000;

  /** Falling behind for sure: at the step's end more in flight than this many seconds' rate. */
  private static final double BEHIND_SECONDS = 1.0;

  /** One step of the ramp; touched on the reactor thread only, read after it stopped. */
  private static final class Step {
    final int rate;
    final long startNanos;
    long started;
    long ok;
    long failed;
    long timedOut;
    long inFlightAtEnd;
    boolean behind;
    boolean cutShort;
    long maxStallNanos;
    long lastTick;
    @Nullable String firstFailure;
    final Histogram latency = new Histogram(3_600_000_000L, 3);

    Step(int rate, long startNanos) {
      this.rate = rate;
      this.startNanos = startNanos;
    }

    boolean passed() {
      return failed == 0 && timedOut == 0 && !behind && !cutShort && !slow();
    }

    boolean slow() {
      return latency.getValueAtPercentile(50) > LAG_MICROS;
    }
  }

  /** What a connection belongs to and whether its outcome is counted yet. */
  private static final class Attempt {
    final Step step;
    boolean finished;

    Attempt(Step step) {
      this.step = step;
    }
  }

  private final Options o;
  private final PrintStream err;
  private final Reactor reactor = new Reactor("bench-storm");
  private final ServerMessageDecoder decoder = new ServerMessageDecoder();
  private final byte @Nullable [] subscribe;
  private final List<Step> steps = new ArrayList<>();
  private final ArrayDeque<WsConn> pending = new ArrayDeque<>();
  private final WsConn.Listener listener = new Listener();
  private long inFlight;
  private long t0;
  private volatile boolean finished;

  StormBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
    if (o.target().dialect() == Dialect.SOCKETIO) {
      throw new IllegalArgumentException("storm speaks the hub and raw dialects");
    }
    this.subscribe =
        o.target().dialect() == Dialect.HUB
            ? CommandEncoder.encode(new Command.Subscribe(1, o.channel()))
                .getBytes(StandardCharsets.UTF_8)
            : null;
  }

  Map<String, Object> run() throws InterruptedException {
    Sampler sampler = new Sampler(o.serverPid());
    sampler.start();
    reactor.execute(
        () -> {
          t0 = System.nanoTime();
          steps.add(new Step(o.startRate(), t0));
        });
    reactor.every(TimeUnit.MILLISECONDS.toNanos(1), this::tick);
    reactor.start();
    long deadline = System.nanoTime() + o.maxRun().plus(o.timeout()).toNanos() + 5_000_000_000L;
    while (!finished && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Sampler.Reading reading = sampler.stop();
    reactor.close();
    return result(seconds, reading);
  }

  /** Every millisecond: ends steps, starts what the schedule says is due, expires the slow. */
  private void tick() {
    long now = System.nanoTime();
    expire(now);
    if (steps.isEmpty() || finished) {
      return;
    }
    Step s = steps.get(steps.size() - 1);
    if (s.rate == 0) { // the ramp is over: wait for the last ones to resolve
      finished = inFlight == 0;
      return;
    }
    s.maxStallNanos = Math.max(s.maxStallNanos, now - Math.max(s.lastTick, s.startNanos));
    s.lastTick = now;
    long elapsed = Math.min(now - s.startNanos, o.step().toNanos());
    long due = (long) (s.rate * (elapsed / 1e9));
    while (s.started < due && inFlight < o.maxInFlight()) {
      start(s);
    }
    if (inFlight >= o.maxInFlight()) {
      s.cutShort = true;
      endStep(s, now);
    } else if (elapsed >= o.step().toNanos()) {
      endStep(s, now);
    }
  }

  /** Ends a step; the ramp goes on unless it failed so far or the one before was slow. */
  private void endStep(Step s, long now) {
    s.inFlightAtEnd = inFlight;
    s.behind = inFlight > s.rate * BEHIND_SECONDS;
    Step before = steps.size() > 1 ? steps.get(steps.size() - 2) : null;
    boolean failedSoFar =
        s.failed > 0
            || s.timedOut > 0
            || s.behind
            || s.cutShort
            || (before != null && before.slow());
    boolean overTime = now - t0 + o.step().toNanos() > o.maxRun().toNanos();
    int next = (int) Math.round(s.rate * o.factor());
    steps.add(new Step(failedSoFar || overTime ? 0 : Math.max(next, s.rate + 1), now));
  }

  private void start(Step s) {
    s.started++;
    inFlight++;
    try {
      WsConn c =
          reactor.connect(
              o.target().server(),
              o.target().local((int) s.started),
              o.target().dialect().subPath,
              o.target().origin(),
              listener);
      c.attachment = new Attempt(s);
      pending.add(c);
    } catch (IOException e) {
      inFlight--;
      s.failed++;
      if (s.firstFailure == null) {
        s.firstFailure = "connect error: " + e.getMessage();
      }
    }
  }

  /** Fails the connections still not subscribed after the timeout (they were started in order). */
  private void expire(long now) {
    while (!pending.isEmpty()) {
      WsConn c = pending.peek();
      Attempt a = (Attempt) c.attachment;
      if (a != null && !a.finished && now - c.connectStartNanos < o.timeout().toNanos()) {
        return;
      }
      pending.poll();
      if (a != null && !a.finished) {
        a.step.timedOut++;
        if (a.step.firstFailure == null) {
          a.step.firstFailure = "timeout after " + o.timeout().toMillis() + " ms";
        }
        finish(c, a);
      }
    }
  }

  private void finish(WsConn c, Attempt a) {
    a.finished = true;
    inFlight--;
    c.close(1000, "storm: done");
  }

  private void succeeded(WsConn c) {
    if (c.attachment instanceof Attempt a && !a.finished) {
      a.step.ok++;
      a.step.latency.recordValue((System.nanoTime() - c.connectStartNanos) / 1000);
      finish(c, a);
    }
  }

  private void failed(WsConn c, String why) {
    if (c.attachment instanceof Attempt a && !a.finished) {
      a.step.failed++;
      if (a.step.firstFailure == null) {
        a.step.firstFailure = why;
      }
      finish(c, a);
    }
  }

  private final class Listener implements WsConn.Listener {
    @Override
    public void onOpen(WsConn c) {
      if (subscribe == null) {
        succeeded(c); // raw: the open on /sub is the subscribe
        return;
      }
      try {
        c.sendText(subscribe);
      } catch (IOException e) {
        failed(c, "subscribe not sent: " + e.getMessage());
      }
    }

    @Override
    public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
      if (!text) {
        return;
      }
      String s = StandardCharsets.UTF_8.decode(payload).toString();
      ServerMessage m = decoder.decode(s);
      if (m instanceof ServerMessage.Ok ok && ok.id() == 1) {
        succeeded(c);
      } else if (m instanceof ServerMessage.ErrorReply e && e.id() == 1) {
        failed(c, "error " + e.code() + " " + e.message());
      }
    }

    @Override
    public void onClose(WsConn c, int code, String why) {
      failed(c, "closed " + code + " " + why);
    }
  }

  private Map<String, Object> result(double seconds, Sampler.Reading reading) {
    Step best = null;
    Step firstBad = null;
    for (Step s : steps) {
      if (s.rate == 0) {
        continue;
      }
      if (!o.quiet()) {
        err.printf(
            "  step %6d/s: started %6d ok %6d failed %4d timed out %4d in flight %5d"
                + " p50 %6d us p99 %7d us stall %4d ms%s%n",
            s.rate,
            s.started,
            s.ok,
            s.failed,
            s.timedOut,
            s.inFlightAtEnd,
            s.latency.getValueAtPercentile(50),
            s.latency.getValueAtPercentile(99),
            s.maxStallNanos / 1_000_000,
            s.passed() ? "" : "  FAILED");
      }
      if (firstBad == null && s.passed()) {
        best = s;
      } else if (firstBad == null) {
        firstBad = s;
      }
    }
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "storm");
    r.put("steps", steps.stream().filter(s -> s.rate > 0).count());
    r.put("best_rate", best == null ? 0 : best.rate);
    r.put("p50_us", best == null ? -1 : best.latency.getValueAtPercentile(50));
    r.put("p99_us", best == null ? -1 : best.latency.getValueAtPercentile(99));
    r.put("failed_at_rate", firstBad == null ? 0 : firstBad.rate);
    r.put("first_failure", firstBad == null ? "none (ramp ended)" : failure(firstBad));
    r.put("connects", steps.stream().mapToLong(s -> s.started).sum());
    r.put(
        "loadgen_max_stall_ms",
        steps.stream().mapToLong(s -> s.maxStallNanos).max().orElse(0) / 1_000_000);
    r.put("duration_s", Results.round(seconds, 1));
    Results.cpu(r, reading);
    return r;
  }

  /** Everything that failed the step, its first failed connection first. */
  private static String failure(Step s) {
    List<String> why = new ArrayList<>();
    if (s.firstFailure != null) {
      why.add(s.firstFailure + " (" + (s.failed + s.timedOut) + " of " + s.started + ")");
    }
    if (s.slow()) {
      why.add("server behind: median " + s.latency.getValueAtPercentile(50) / 1000 + " ms");
    }
    if (s.behind || s.cutShort) {
      why.add("server behind: " + s.inFlightAtEnd + " in flight at the step's end");
    }
    return String.join("; ", why);
  }
}
