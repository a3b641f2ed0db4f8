package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

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
    process = launch(command(port, Path.of(System.getProperty("java.io.tmpdir"))), null, port);
  }

  /**
   * A test's redis-server command line: loopback only, no persistence, its files (a replica's full
   * sync writes one even without --save) in {@code dir}, replicas syncing at once instead of after
   * 5 s; then {@code more}.
   */
  static List<String> command(int port, Path dir, String... more) {
    List<String> command =
        new ArrayList<>(
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
                "--repl-diskless-sync-delay",
                "0",
                "--dir",
                dir.toString(),
                "--dbfilename",
                "switchboard-test-" + port + ".rdb"));
    command.addAll(List.of(more));
    return command;
  }

  /**
   * Starts {@code command}, its output to {@code log} (discarded when null), and waits until the
   * server answers on {@code port}.
   */
  static Process launch(List<String> command, @Nullable File log, int port) {
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : Redirect.to(log))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server (apt-get install redis-server)", e);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> "PONG".equals(Redis.with("redis://127.0.0.1:" + port, r -> r.ping())));
    return p;
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
