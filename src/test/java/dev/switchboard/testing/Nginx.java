package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}, {@code apt-get install nginx}) as a child process of the
 * test, run as the current user, serving one of the files in {@code server-config/} as shipped.
 *
 * <p>The file is used verbatim except for the replacements the test names: each replaced string
 * must occur exactly once in the file, so a change to the shipped file that the test no longer
 * matches fails loudly instead of testing something else. It is included in the {@code http {}}
 * context of a small main configuration of the test's own, as the file's own comment tells an
 * operator to do; that main configuration only moves what a non-root nginx cannot use (pid file,
 * logs, temporary directories) into the test's directory, and runs one process without a master
 * ({@code master_process off}), so that killing the child kills all of nginx.
 *
 * <p>The error log goes to a file in the directory; {@link #log()} reads it for failure messages.
 */
public final class Nginx implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/sbin/nginx");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path errorLog;
  private final int port;

  private Nginx(Process process, Path errorLog, int port) {
    this.process = process;
    this.errorLog = errorLog;
    this.port = port;
  }

  /**
   * Starts nginx on {@code shipped} with {@code replacements} applied and waits until it accepts
   * TCP connections on {@code port}.
   *
   * @param shipped a file of {@code server-config/}
   * @param replacements strings of the file, each found exactly once, and what replaces them
   * @param port the port the replaced {@code listen} directive names
   * @param dir an empty directory of the test's (configuration, logs, temporary files)
   */
  public static Nginx start(Path shipped, Map<String, String> replacements, int port, Path dir) {
    try {
      Files.createDirectories(dir);
      String conf = Files.readString(shipped);
      for (Map.Entry<String, String> r : new LinkedHashMap<>(replacements).entrySet()) {
        int at = conf.indexOf(r.getKey());
        if (at < 0 || conf.indexOf(r.getKey(), at + 1) >= 0) {
          throw new IllegalStateException(
              shipped + " no longer contains '" + r.getKey() + "' exactly once: update the test");
        }
        conf = conf.replace(r.getKey(), r.getValue());
      }
      Path server = dir.resolve("server.conf");
      Files.writeString(server, conf);
      Path errorLog = dir.resolve("error.log");
      Path main = dir.resolve("nginx.conf");
      Files.writeString(main, mainConfig(dir, server, errorLog));
      if (!Files.isExecutable(BINARY)) {
        throw new IllegalStateException(
            "the proxy tests need Debian's nginx and "
                + BINARY
                + " is missing; install it with: "
                + Chromium.INSTALL_COMMAND);
      }
      Process p =
          new ProcessBuilder(
                  List.of(
                      BINARY.toString(),
                      "-p",
                      dir.toString(),
                      "-c",
                      main.toString(),
                      "-e",
                      errorLog.toString()))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
      Nginx nginx = new Nginx(p, errorLog, port);
      try {
        Awaitility.await().atMost(START_TIMEOUT).until(() -> !p.isAlive() || accepts(port));
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "nginx exited with " + p.exitValue() + ":\n" + nginx.log() + "\n" + conf);
        }
      } catch (RuntimeException e) {
        nginx.close();
        throw e;
      }
      return nginx;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String mainConfig(Path dir, Path server, Path errorLog) {
    String d = dir.toString();
    return String.join(
        "\n",
        "daemon off;",
        "master_process off;",
        "pid " + d + "/nginx.pid;",
        "error_log " + errorLog + " info;",
        "events { worker_connections 512; }",
        "http {",
        "  access_log " + d + "/access.log;",
        "  client_body_temp_path " + d + "/client_body;",
        "  proxy_temp_path " + d + "/proxy;",
        "  fastcgi_temp_path " + d + "/fastcgi;",
        "  uwsgi_temp_path " + d + "/uwsgi;",
        "  scgi_temp_path " + d + "/scgi;",
        "  include " + server + ";",
        "}",
        "");
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A free loopback port for nginx or a node to listen on. */
  public static int freePort() {
    return RedisServer.freePort();
  }

  public int port() {
    return port;
  }

  /** {@code https://127.0.0.1:port}. */
  public URI https() {
    return URI.create("https://127.0.0.1:" + port);
  }

  /** {@code wss://127.0.0.1:port}. */
  public URI wss() {
    return URI.create("wss://127.0.0.1:" + port);
  }

  /** nginx's error log so far, for failure messages. */
  public String log() {
    try {
      return Files.exists(errorLog)
          ? Files.readString(errorLog, StandardCharsets.UTF_8)
          : "(no error log)";
    } catch (IOException e) {
      return "(error log unreadable: " + e + ")";
    }
  }

  /** Kills nginx (one process: no master, no workers left behind) and waits for it to exit. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
