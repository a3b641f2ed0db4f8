package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Opens many TCP connections that never complete a request (they send nothing, or a partial request
 * head and stall: slowloris), checks that the server still serves {@code /health} and a WebSocket
 * echo while they are open, then waits until the server has closed every one of them (its handshake
 * timeout) and reports when it did and what they cost it (RSS, open files, from /proc given its
 * PID). Bounded: it gives up waiting after {@code maxWait} and stops by itself.
 */
final class SilentBench {
  /**
   * What a slowloris sends: a request line and one header, never the blank line ending the head.
   */
  private static final byte[] PARTIAL_HEAD =
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII);

  record Options(
      Target target, int conns, boolean partial, Duration maxWait, long serverPid, String label) {}

  private final Options o;
  private final PrintStream err;

  SilentBench(Options o, PrintStream err) {
    this.o = o;
    this.err = err;
  }

  Map<String, Object> run() throws IOException, InterruptedException {
    Map<String, Object> r = Results.ordered();
    r.put("bench", "silent");
    r.put("label", o.label());
    r.put("mode", o.partial() ? "partial-head" : "no-bytes");
    long rssBefore = Sampler.rssKb(o.serverPid());
    long fdsBefore = openFiles(o.serverPid());
    try (Selector selector = Selector.open()) {
      long[] openedAt = new long[o.conns()];
      long t0 = System.nanoTime();
      int failed = open(selector, openedAt);
      int opened = o.conns() - failed;
      r.put("conns", o.conns());
      r.put("opened", opened);
      r.put("open_s", Results.round((System.nanoTime() - t0) / 1e9, 2));
      probe(r); // which also gives the server time to accept them all
      r.put("server_rss_kb_before", rssBefore);
      r.put("server_rss_kb_open", Sampler.rssKb(o.serverPid()));
      r.put("server_fds_before", fdsBefore);
      r.put("server_fds_open", openFiles(o.serverPid()));
      long[] closedAfterMs = awaitCloses(selector, openedAt);
      long closed = Arrays.stream(closedAfterMs).filter(ms -> ms >= 0).count();
      long[] sorted = Arrays.stream(closedAfterMs).filter(ms -> ms >= 0).sorted().toArray();
      r.put("closed_by_server", closed);
      r.put("still_open", opened - closed);
      r.put("close_after_ms_min", sorted.length == 0 ? -1 : sorted[0]);
      r.put("close_after_ms_p50", sorted.length == 0 ? -1 : sorted[sorted.length / 2]);
      r.put("close_after_ms_max", sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
      selector.keys().forEach(k -> closeQuietly(k.channel()));
    }
    r.put("server_rss_kb_after", Sampler.rssKb(o.serverPid()));
    r.put("server_fds_after", openFiles(o.serverPid()));
    return r;
  }

  /** Connects every socket (blocking connect, then non-blocking reads); returns the failures. */
  private int open(Selector selector, long[] openedAt) {
    int failed = 0;
    for (int i = 0; i < o.conns(); i++) {
      try {
        SocketChannel ch = SocketChannel.open();
        InetSocketAddress local = o.target().local(i);
        if (local != null) {
          ch.bind(local);
        }
        ch.connect(o.target().server());
        if (o.partial()) {
          ch.write(ByteBuffer.wrap(PARTIAL_HEAD));
        }
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, i);
        openedAt[i] = System.nanoTime();
      } catch (IOException e) {
        failed++;
        openedAt[i] = -1;
        if (failed == 1) {
          err.println("connect failed: " + e);
        }
      }
      if (i % 1000 == 999) {
        err.printf("opened %,d%n", i + 1 - failed);
      }
    }
    return failed;
  }

  /** While the silent connections are open: a plain request and a WebSocket echo must work. */
  private void probe(Map<String, Object> r) throws InterruptedException {
    InetSocketAddress s = o.target().server();
    String base = s.getHostString() + ":" + s.getPort();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    long t = System.nanoTime();
    try {
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + base + "/health"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      r.put("health_status", health.statusCode());
    } catch (IOException e) {
      r.put("health_status", "failed:" + e.getClass().getSimpleName());
    }
    r.put("health_ms", Results.round((System.nanoTime() - t) / 1e6, 1));
    t = System.nanoTime();
    CompletableFuture<String> echoed = new CompletableFuture<>();
    try {
      WebSocket ws =
          http.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .buildAsync(URI.create("ws://" + base + "/echo"), listener(echoed))
              .get(10, TimeUnit.SECONDS);
      ws.sendText("silent-bench", true);
      r.put("echo_ok", "silent-bench".equals(echoed.get(10, TimeUnit.SECONDS)));
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      r.put("echo_ok", "failed:" + e.getCause());
    }
    r.put("echo_ms", Results.round((System.nanoTime() - t) / 1e6, 1));
  }

  private static WebSocket.Listener listener(CompletableFuture<String> echoed) {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          echoed.complete(text.toString());
        }
        ws.request(1);
        return null;
      }
    };
  }

  /**
   * Waits until the server closes each connection (end of stream or reset), at most {@code
   * maxWait}; returns each one's milliseconds from its connect to its close, -1 if still open.
   */
  private long[] awaitCloses(Selector selector, long[] openedAt) throws IOException {
    long[] closedAfterMs = new long[openedAt.length];
    Arrays.fill(closedAfterMs, -1);
    long deadline = System.nanoTime() + o.maxWait().toNanos();
    ByteBuffer sink = ByteBuffer.allocate(4096);
    int open = selector.keys().size();
    while (open > 0 && System.nanoTime() < deadline) {
      selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      List<SelectionKey> ready = new ArrayList<>(selector.selectedKeys());
      selector.selectedKeys().clear();
      for (SelectionKey k : ready) {
        SocketChannel ch = (SocketChannel) k.channel();
        int i = (Integer) k.attachment();
        int n;
        try {
          sink.clear();
          n = ch.read(sink);
        } catch (IOException reset) {
          n = -1;
        }
        if (n < 0) {
          closedAfterMs[i] = (System.nanoTime() - openedAt[i]) / 1_000_000;
          k.cancel();
          closeQuietly(ch);
          open--;
        }
      }
    }
    return closedAfterMs;
  }

  private static void closeQuietly(java.nio.channels.Channel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // going anyway
    }
  }

  /** Open file descriptors of the process, -1 when unknown. */
  private static long openFiles(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
