package dev.switchboard.bench;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens many connections (spread over 127.0.0.x source addresses past the ephemeral-port limit),
 * subscribes each, holds them with heartbeats, and reports what each costs the server: RSS and,
 * after a full GC, heap (through jcmd, for a JVM server given by PID).
 */
final class IdleBench {
  record Options(
      Target target,
      int conns,
      int concurrency,
      int channels,
      int holdSeconds,
      int heartbeatSeconds,
      long serverPid,
      String label,
      boolean quiet) {}

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final Options o;
  private final PrintStream err;
  private final Reactor reactor = new Reactor("bench-reactor-0");
  private final LongAdder opened = new LongAdder();
  private final LongAdder closed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder pongs = new LongAdder();
  private final java.util.List<WsConn> conns = new java.util.ArrayList<>();
  private int started;

  IdleBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
    if (o.target().deflate()) {
      reactor.offerDeflate();
    }
  }

  Map<String, Object> run() throws InterruptedException {
    Progress progress = new Progress(err, o.quiet());
    long heapBefore = heapAfterGcKb();
    long rssBefore = Sampler.rssKb(o.serverPid());
    WsConn.Listener listener = listener();
    reactor.onTurn(
        () -> {
          while (started < o.conns() && started - opened.sum() - failed.sum() < o.concurrency()) {
            try {
              conns.add(
                  reactor.connect(
                      o.target().server(),
                      o.target().local(started),
                      o.target().dialect().subPath,
                      o.target().origin(),
                      listener));
            } catch (IOException e) {
              failed.increment();
              if (!o.quiet()) {
                err.printf("%nconnect %d failed: %s%n", started, e);
              }
            }
            started++;
          }
        });
    reactor.every(TimeUnit.SECONDS.toNanos(o.heartbeatSeconds()), this::heartbeat);
    reactor.start();
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (opened.sum() + failed.sum() < o.conns() && System.nanoTime() < deadline) {
      progress.show("connect", (double) opened.sum() / o.conns(), opened::sum, "conns");
      Thread.sleep(100);
    }
    progress.done();
    long heapAfter = heapAfterGcKb();
    long rssAfter = Sampler.rssKb(o.serverPid());
    long holdEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.holdSeconds());
    while (System.nanoTime() < holdEnd) {
      progress.show(
          "holding",
          1 - (double) (holdEnd - System.nanoTime()) / TimeUnit.SECONDS.toNanos(o.holdSeconds()),
          pongs::sum,
          "heartbeats");
      Thread.sleep(250);
    }
    progress.done();
    long alive = opened.sum() - closed.sum();
    reactor.close();
    long n = Math.max(1, opened.sum());
    Map<String, Object> r = Results.ordered();
    r.put("label", o.label());
    r.put("mode", "idle");
    r.put("conns", o.conns());
    r.put("opened", opened.sum());
    r.put("failed", failed.sum());
    r.put("alive_after_hold", alive);
    r.put("hold_s", o.holdSeconds());
    r.put("heartbeats", pongs.sum());
    r.put("server_rss_kb_before", rssBefore);
    r.put("server_rss_kb_after", rssAfter);
    r.put(
        "rss_per_conn_kb",
        rssBefore < 0 ? -1 : Results.round((rssAfter - rssBefore) / (double) n, 2));
    r.put("server_heap_kb_before", heapBefore);
    r.put("server_heap_kb_after", heapAfter);
    r.put(
        "heap_per_conn_kb",
        heapBefore < 0 || heapAfter < 0
            ? -1
            : Results.round((heapAfter - heapBefore) / (double) n, 2));
    return r;
  }

  private WsConn.Listener listener() {
    byte[] subscribe = o.target().dialect().subscribeMessage("idle");
    return new WsConn.Listener() {
      @Override
      public void onOpen(WsConn c) {
        c.attachment = Boolean.TRUE;
        opened.increment();
        byte[] msg =
            o.target().dialect() == Dialect.HUB
                ? o.target().dialect().subscribeMessage("idle:" + (opened.sum() % o.channels()))
                : subscribe;
        try {
          if (msg != null && o.target().dialect().readyOnOpen()) {
            c.sendText(msg);
          }
        } catch (IOException e) {
          c.close(1006, e.toString());
        }
      }

      @Override
      public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
        try {
          o.target().dialect().control(c, payload, () -> {});
        } catch (IOException e) {
          c.close(1006, e.toString());
          return;
        }
        pongs.increment(); // a ping reply (hub) or any traffic
      }

      @Override
      public void onClose(WsConn c, int code, String why) {
        if (c.attachment == null) {
          failed.increment();
        } else {
          closed.increment();
        }
      }
    };
  }

  /** Hub: a ping command with id (answered); other dialects: a WebSocket ping. */
  private void heartbeat() {
    byte[] ping = CommandEncoder.encode(new Command.Ping(1)).getBytes(StandardCharsets.UTF_8);
    for (WsConn c : conns) {
      if (!c.isOpen()) {
        continue;
      }
      try {
        if (o.target().dialect() == Dialect.HUB) {
          c.sendText(ping);
        } else {
          c.sendPing();
        }
      } catch (IOException e) {
        c.close(1006, e.toString());
      }
    }
  }

  /** The server's heap after a full GC in KiB (jcmd GC.run, GC.heap_info), or -1. */
  private long heapAfterGcKb() {
    if (o.serverPid() <= 0) {
      return -1;
    }
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      run(jcmd, Long.toString(o.serverPid()), "GC.run");
      String info = run(jcmd, Long.toString(o.serverPid()), "GC.heap_info");
      Matcher m = HEAP_USED.matcher(info);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (IOException e) {
      err.printf("%njcmd failed (is the server a JVM of the same user?): %s%n", e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
    return new String(out, StandardCharsets.UTF_8);
  }
}
