package dev.switchboard.jar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.WsClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as a newcomer uses it: {@code java -jar target/switchboard.jar}. */
class StandaloneJarIT {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process launch(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", jar()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Lines the process prints, collected by a reader thread. */
  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("<output unreadable: " + e + ">");
              }
            });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String awaitLine(BlockingQueue<String> lines, String containing)
      throws InterruptedException {
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.append(line).append('\n');
        if (line.contains(containing)) {
          return line;
        }
      }
    }
    throw new AssertionError("no line containing '" + containing + "' in:\n" + seen);
  }

  @Test
  void servesTheDemoPageAndTheHubAndOnSigtermDrainsThenClosesClientsWith1012() throws Exception {
    long started = System.nanoTime();
    // A drain long enough to be seen from here on a busy machine; the spread has one client.
    Process server =
        launch(Map.of("SWITCHBOARD_SHUTDOWN_DRAIN", "5s"), "--port", "0", "--host", "127.0.0.1");
    BlockingQueue<String> out = lines(server);
    Matcher m = LISTENING.matcher(awaitLine(out, "listening on"));
    assertThat(m.find()).isTrue();
    URI base = URI.create(m.group(1) + "/");
    assertThat(Http.get(base.resolve("health")).status()).isEqualTo(200);
    System.out.printf(
        "start to first /health 200: %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

    Http.Response index = Http.get(base);
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("<title>Switchboard</title>");
    assertThat(Http.get(base.resolve("css/switchboard.css")).status()).isEqualTo(200);

    WsClient client =
        WsClient.connect(URI.create(base.toString().replace("http:", "ws:")).resolve("ws"));
    client.request("\"op\":\"subscribe\",\"channel\":\"jar\"");
    assertThat(
            Http.postJson(base.resolve("api/publish"), "{\"channel\":\"jar\",\"data\":\"hi\"}")
                .status())
        .isEqualTo(200);
    assertThat(client.nextJson().path("data").asText()).isEqualTo("hi");
    // Micrometer and the Prometheus text format are in the fat jar.
    Http.Response metrics = Http.get(base.resolve("metrics"));
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("switchboard_publications_total 1.0")
        .contains("switchboard_connections{endpoint=\"hub\"} 1.0")
        .contains("jvm_memory_used_bytes");

    sigterm(server); // as a service manager would; Process.destroy would also close our pipes
    awaitLine(out, "not ready for 5000 ms, then closing clients with 1012");
    // The sequence: not ready first, while the client is still served...
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Http.get(base.resolve("ready")).status() == 503);
    assertThat(Http.get(base.resolve("ready")).json().path("reason").asText())
        .isEqualTo("draining");
    assertThat(client.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue();
    // ...then the close with 1012.
    WsClient.Close close = client.awaitClose();
    assertThat(close.code()).isEqualTo(1012);
    assertThat(close.reason()).contains("shutting down");
    assertThat(server.waitFor(20, TimeUnit.SECONDS))
        .as("exited within the shutdown timeout")
        .isTrue();
    // The default text log format: the client's access-log line, written at its close.
    assertThat(awaitLine(out, "switchboard.access:"))
        .matches(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  switchboard\\.access:"
                + " path=/ws remote=127\\.0\\.0\\.1 origin=- user=- result=closed code=\\d+ .*");
    awaitLine(out, "Switchboard stopped");
  }

  @Test
  void anInvalidValueStopsStartUpWithOneLineNamingTheKeyAndAcceptedValues() throws Exception {
    Process flag = launch(Map.of(), "--port", "99999");
    assertThat(flag.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(flag.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(flag.exitValue()).isEqualTo(78);
    assertThat(output)
        .contains("server.port")
        .contains("an integer from 0 to 65535")
        .doesNotContain("Exception");

    Process env = launch(Map.of("SWITCHBOARD_OUTBOX_MAX_BYTES", "lots"), "--port", "0");
    assertThat(env.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String envOutput = new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(env.exitValue()).isEqualTo(78);
    assertThat(envOutput).contains("outbox.max-bytes").contains("SWITCHBOARD_OUTBOX_MAX_BYTES");
  }

  /** Also the JSON log format: every log line is one JSON object, the access log's among them. */
  @Test
  void aConfigurationFileIsReadAndFlagsWinOverIt() throws Exception {
    Path config = dir.resolve("switchboard.properties");
    Files.writeString(config, "server.port=1\nws.max-message-size=1KiB\nlog.format=json\n");
    Process server = launch(Map.of(), "--config", config.toString(), "--port", "0");
    BlockingQueue<String> out = lines(server);
    Matcher m = LISTENING.matcher(awaitLine(out, "listening on"));
    assertThat(m.find()).isTrue();
    URI ws = URI.create(m.group(1).replace("http:", "ws:") + "/ws");
    try (WsClient client = WsClient.connect(ws)) {
      client.send("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}");
      assertThat(client.awaitClose().code()).isEqualTo(1009);
    }
    String access = awaitLine(out, "result=closed");
    JsonNode record = new ObjectMapper().readTree(access);
    assertThat(record.path("logger").asText()).isEqualTo("switchboard.access");
    assertThat(record.path("level").asText()).isEqualTo("INFO");
    assertThat(record.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{12}Z");
    assertThat(record.path("message").asText())
        .startsWith("path=/ws remote=127.0.0.1 origin=- user=- result=closed code=1009");
    sigterm(server); // Process.destroy would close our end of its output
    assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
    // Every line up to the last is text on stdout (start, stop) or one JSON object on stderr.
    for (String line = next(out); !line.equals("Switchboard stopped"); line = next(out)) {
      if (!line.startsWith("Switchboard ")) {
        assertThat(line).startsWith("{").endsWith("}");
        assertThat(new ObjectMapper().readTree(line).isObject()).as(line).isTrue();
      }
    }
  }

  @Test
  void helpListsTheFlags() throws Exception {
    Process help = launch(Map.of(), "--help");
    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(help.exitValue()).isZero();
    assertThat(output).contains("--port").contains("--host").contains("--config").contains("serve");
  }

  private static String next(BlockingQueue<String> lines) throws InterruptedException {
    String line = lines.poll(30, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("no further line within 30 s");
    }
    return line;
  }

  private static void sigterm(Process p) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private static String jar() {
    return System.getProperty("test.switchboard.jar", "target/switchboard.jar");
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void linesPublishedFromStdinReachARunningSubscriber() throws Exception {
    Process server = launch(Map.of(), "--port", "0");
    BlockingQueue<String> serverOut = lines(server);
    Matcher m = LISTENING.matcher(awaitLine(serverOut, "listening on"));
    assertThat(m.find()).isTrue();
    String ws = m.group(1).replace("http:", "ws:") + "/ws";

    Process sub = launch(Map.of(), "sub", "demo:cli", "--url", ws);
    BlockingQueue<String> subOut = lines(sub);
    // The subscriber is in place once a probe published from outside arrives.
    String probe = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline && !probe.contains("probe")) {
      Http.postJson(
          URI.create(m.group(1) + "/api/publish"), "{\"channel\":\"demo:cli\",\"data\":\"probe\"}");
      String line = subOut.poll(300, TimeUnit.MILLISECONDS);
      probe = line == null ? "" : line;
    }
    assertThat(probe).contains("probe");

    Process pub = launch(Map.of(), "pub", "demo:cli", "-", "--url", ws);
    pub.getOutputStream().write("hello from stdin\n{\"n\":2}\n".getBytes(StandardCharsets.UTF_8));
    pub.getOutputStream().close();
    assertThat(pub.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String replies = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(pub.exitValue()).as(replies).isZero();
    assertThat(replies).contains("\"ok\":true");
    assertThat(awaitLine(subOut, "hello from stdin")).startsWith("demo:cli #");
    assertThat(awaitLine(subOut, "{\"n\":2}")).contains("demo:cli");
    sub.destroy();
    server.destroy();
  }

  @Test
  void theClientCommandsExitWithMeaningfulCodes() throws Exception {
    int closedPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    Process refused =
        launch(Map.of(), "pub", "news", "1", "--url", "ws://127.0.0.1:" + closedPort + "/ws");
    assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(refused.exitValue()).isEqualTo(69);
    assertThat(out).contains("cannot connect").doesNotContain("at dev.switchboard");
    assertThat(out.strip().lines().count()).isEqualTo(1);

    Process bad = launch(Map.of(), "pub", "--no-such-option", "news");
    assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bad.exitValue()).isEqualTo(64);

    Process help = launch(Map.of(), "sub", "--help");
    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("--since")
        .contains("--json");
  }
}
