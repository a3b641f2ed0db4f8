package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A standalone node in a JVM of its own ({@code dev.switchboard.cli.Main} on the test class path),
 * so that a test can kill it as a crash would: {@code SIGKILL}, no close frames, no clean-up. It
 * listens on 127.0.0.1 and the port given; its output goes to a log file for failure messages.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (https?://127\\.0\\.0\\.1:\\d+)");

  private final Process process;
  private final Path log;
  private final URI http;

  private NodeProcess(Process process, Path log, URI http) {
    this.process = process;
    this.log = log;
    this.http = http;
  }

  /**
   * Starts a node with {@code settings} (configuration keys, as system properties) on {@code port}
   * and waits until it is ready; the rate limits are off, as in {@link TestServers}.
   */
  public static NodeProcess start(Map<String, String> settings, int port, Path log) {
    Process p = launch(settings, port, log);
    String[] found = new String[1];
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) {
                  found[0] = m.group(1);
                }
                return found[0] != null || !p.isAlive();
              });
      if (found[0] == null) {
        throw new IllegalStateException("the node did not start:\n" + Files.readString(log));
      }
      URI http = URI.create(found[0]);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> Http.get(http.resolve("/ready")).status() == 200);
      return new NodeProcess(p, log, http);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /**
   * Starts {@code dev.switchboard.cli.Main} as {@link #start} does, without waiting for anything:
   * for a test of a node that should not start.
   */
  public static Process launch(Map<String, String> settings, int port, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // A short-lived node: the quick compiler only and the serial collector start it sooner.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dswitchboard.ws.rate.messages=0");
    command.add("-Dswitchboard.ws.rate.bytes=0");
    settings.forEach((k, v) -> command.add("-Dswitchboard." + k + "=" + v));
    command.add("dev.switchboard.cli.Main");
    command.add("--host=127.0.0.1");
    command.add("--port=" + port);
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI httpUri() {
    return http;
  }

  /** The node's output so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** {@code SIGKILL}, then waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the node did not die within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code SIGSTOP}: the node freezes, as in a long pause, until {@link #resume()}. */
  public void suspend() {
    signal("STOP");
  }

  /** {@code SIGCONT} after {@link #suspend()}. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code SIGTERM}, as an orchestrator stops a node: the node's shutdown hook runs its graceful
   * stop. Waits until the process is gone and returns its exit status.
   */
  public int stop() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the node did not stop within 60 s:\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
