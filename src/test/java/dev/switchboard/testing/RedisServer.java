package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A Redis server of a test's own, on a free loopback port, without persistence: stopping it loses
 * everything, as a crashed Redis without AOF would.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private Process process;

  private RedisServer(int port) {
    this.port = port;
  }

  public static RedisServer start() {
    RedisServer r = new RedisServer(freePort());
    r.startAgain();
    return r;
  }

  /**
   * A free loopback port for a server that is not running yet: nothing answers there until {@link
   * #startAgain}.
   */
  public static RedisServer reserve() {
    return new RedisServer(freePort());
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  /** Starts (again) on the same port. */
  public synchronized void startAgain() {
    try {
      process =
          new ProcessBuilder(
                  List.of(
                      "redis-server",
                      "--port",
                      Integer.toString(port),
                      "--bind",
                      "127.0.0.1",
                      "--save",
                      "",
                      "--appendonly",
                      "no",
                      // A replica's full sync writes a file even without --save: not here.
                      "--repl-diskless-sync-delay", // a replica syncs at once, not after 5 s
                      "0",
                      "--dir",
                      System.getProperty("java.io.tmpdir"),
                      "--dbfilename",
                      "switchboard-test-" + port + ".rdb"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server (apt-get install redis-server)", e);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> "PONG".equals(Redis.with(uri(), r -> r.ping())));
  }

  /** Stops the server; its data is gone. */
  public synchronized void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
