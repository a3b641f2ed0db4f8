package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.testing.BridgeFixture;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Nginx;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scrape of {@code /metrics} from a real standalone server, after real traffic, parsed by an
 * independent parser: the official Prometheus Python client's ({@code
 * prometheus_client.parser.text_string_to_metric_families}, Debian's python3-prometheus-client),
 * run as a child process. Then Prometheus naming conventions on what it parsed: counters end in
 * {@code _total}, units are base units at the end of the name, histograms are complete, and no
 * label could carry a channel, user or address.
 */
class MetricsParserTest {
  /** Debian's interpreter, where apt installs the module (a pyenv one would not see it). */
  private static final Path PYTHON = Path.of(System.getProperty("test.python", "/usr/bin/python3"));

  /**
   * Parses stdin and prints one line per sample: family, type, sample name, then label=value pairs,
   * tab-separated. Any line the parser does not accept raises, and the process exits non-zero.
   */
  private static final String PARSE =
      String.join(
          "\n",
          "import sys",
          "from prometheus_client.parser import text_string_to_metric_families",
          "for f in text_string_to_metric_families(sys.stdin.read()):",
          "    for s in f.samples:",
          "        labels = '\\t'.join(k + '=' + v for k, v in sorted(s.labels.items()))",
          "        print(f.name + '\\t' + f.type + '\\t' + s.name + '\\t' + labels)");

  /** Label names that would mean one series per channel, client or address. */
  private static final Set<String> UNBOUNDED =
      Set.of("channel", "client", "user", "session", "ip", "address", "remote", "origin", "path");

  private static BridgeFixture bridges;
  private static StandaloneServer server;

  private record Sample(String family, String type, String name, Map<String, String> labels) {}

  @BeforeAll
  static void start() {
    bridges = BridgeFixture.start();
    Map<String, String> settings = new HashMap<>(bridges.settings());
    // A backend nobody listens on: an RPC fails there, and the proxy counts it.
    settings.put("proxy.rpc.url", "http://127.0.0.1:" + Nginx.freePort() + "/rpc");
    server = TestServers.start(settings);
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop(Duration.ofSeconds(2));
    bridges.close();
  }

  @Test
  void aScrapeAfterRealTrafficParsesWithThePrometheusClientsParserAndFollowsTheConventions()
      throws Exception {
    try (WsClient c = WsClient.connect(server.wsUri().resolve("/ws"))) {
      assertThat(c.call(id -> new Command.Subscribe(id, "parsed")))
          .isEqualTo(ServerMessage.Ok.of(1));
      assertThat(c.call(id -> new Command.Publish(id, "parsed", new Payload.Json("{\"a\":1}"))))
          .isInstanceOf(ServerMessage.Ok.class);
      assertThat(c.nextMessage()).isInstanceOf(ServerMessage.Publication.class);
      assertThat(c.call(id -> new Command.History(id, "parsed", null, 10, false))).isNotNull();
      assertThat(c.call(id -> new Command.Rpc(id, "m", new Payload.Json("{}"))))
          .isInstanceOf(ServerMessage.ErrorReply.class);
    }
    bridges.feedSource(server.httpUri(), 2);
    Http.Response r = Http.get(server.httpUri().resolve("/metrics"));
    assertThat(r.status()).isEqualTo(200);

    List<Sample> samples = parse(r.body());

    Map<String, String> types = new LinkedHashMap<>();
    samples.forEach(s -> types.put(s.family(), s.type()));
    assertThat(types)
        .containsEntry("switchboard_publications", "counter")
        .containsEntry("switchboard_handshakes", "counter")
        .containsEntry("switchboard_subscriptions", "gauge")
        .containsEntry("switchboard_delivery_latency_seconds", "histogram")
        .containsEntry("switchboard_engine_command_seconds", "histogram")
        .containsEntry("switchboard_engine_errors", "counter")
        .containsEntry("switchboard_outbox_queued_bytes", "gauge")
        .containsEntry("switchboard_bridge_consumed", "counter")
        .containsEntry("switchboard_bridge_dead_lettered", "counter")
        .containsEntry("switchboard_bridge_forwarded", "counter")
        .containsEntry("switchboard_bridge_malformed", "counter")
        .containsEntry("switchboard_bridge_up", "gauge")
        .containsEntry("switchboard_bridge_lag_records", "gauge")
        .containsEntry("switchboard_proxy_requests", "counter")
        .containsEntry("switchboard_proxy_failures", "counter");
    assertThat(types.values()).as("every family has a known type").doesNotContain("unknown");

    for (Sample s : samples) {
      String base = s.family();
      switch (s.type()) {
        case "counter" ->
            assertThat(s.name()).as("a counter's sample ends in _total").endsWith("_total");
        case "gauge" -> assertThat(s.name()).as("a gauge is not a _total").doesNotEndWith("_total");
        case "histogram" -> {
          assertThat(s.name())
              .isIn(base + "_bucket", base + "_count", base + "_sum", base + "_created");
          if (s.name().endsWith("_bucket")) {
            assertThat(s.labels()).as(s.name()).containsKey("le");
          }
        }
        default -> {}
      }
      if (base.startsWith("switchboard_")) {
        assertThat(s.labels().keySet()).as(s.name()).doesNotContainAnyElementsOf(UNBOUNDED);
        assertThat(base)
            .as("base units only, at the end of the name")
            .doesNotContainPattern("_(milli|micro|nano)?(seconds|bytes)_")
            .doesNotContainPattern("_(ms|millis|milliseconds|kb|mb|kilobytes|megabytes)(_|$)");
        if (base.contains("seconds")) {
          assertThat(base).endsWith("_seconds");
        }
        if (base.contains("bytes")) {
          assertThat(base).endsWith("_bytes");
        }
      }
    }
    // Every histogram series ends with the +Inf bucket, and it equals the count.
    for (String histogram :
        List.of("switchboard_delivery_latency_seconds", "switchboard_engine_command_seconds")) {
      Map<String, Double> inf = new LinkedHashMap<>();
      Map<String, Double> count = new LinkedHashMap<>();
      for (String line : r.body().split("\n")) {
        if (line.startsWith(histogram + "_bucket") && line.contains("le=\"+Inf\"")) {
          inf.put(labelsBesidesLe(line), value(line));
        } else if (line.startsWith(histogram + "_count")) {
          count.put(labelsBesidesLe(line), value(line));
        }
      }
      assertThat(inf).as(histogram).isNotEmpty().isEqualTo(count);
    }
    String source = "{bridge=\"in\",type=\"jms-source\"}";
    assertThat(value(r.body(), "switchboard_bridge_consumed_total" + source)).isEqualTo(3);
    assertThat(value(r.body(), "switchboard_bridge_published_total" + source)).isEqualTo(2);
    assertThat(value(r.body(), "switchboard_bridge_up" + source)).isEqualTo(1);
    assertThat(
            value(
                r.body(),
                "switchboard_bridge_malformed_total{bridge=\"in\",kind=\"bad_json\","
                    + "type=\"jms-source\"}"))
        .isEqualTo(1);
    assertThat(value(r.body(), "switchboard_bridge_lag_records{bridge=\"out\",type=\"jms-sink\"}"))
        .isZero();
    assertThat(value(r.body(), "switchboard_proxy_failures_total")).isGreaterThanOrEqualTo(1);
    assertThat(samples)
        .as("a JMS source measures no lag, so it has no lag series")
        .noneMatch(
            s ->
                s.name().equals("switchboard_bridge_lag_records")
                    && s.labels().get("bridge").equals("in"));
    assertThat(
            samples.stream()
                .filter(s -> s.name().equals("switchboard_delivery_latency_seconds_count"))
                .findFirst())
        .as("the publication above was fanned out")
        .isPresent();
  }

  /** The labels of a sample line, without {@code le}: what a bucket and its count share. */
  private static String labelsBesidesLe(String line) {
    String s = line.substring(0, line.lastIndexOf(' '));
    int brace = s.indexOf('{');
    String labels = brace < 0 ? "" : s.substring(brace + 1, s.length() - 1);
    return labels.replaceAll(",?le=\"[^\"]*\"", "").replaceAll("^,", "");
  }

  /** The value of {@code series} (a name and its labels, sorted as the writer sorts them). */
  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return value(line);
      }
    }
    throw new AssertionError("no sample " + series + " in the scrape");
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** Runs the Python parser over {@code text}; fails the test, naming the fix, when it cannot. */
  private static List<Sample> parse(String text) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      fail(PYTHON + " is missing; install it with: " + Chromium.INSTALL_COMMAND);
    }
    Path out = Files.createTempFile("scrape", ".tsv");
    Path err = Files.createTempFile("scrape", ".err");
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", PARSE)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("the Python parser did not finish in 60 s");
      }
      String stderr = Files.readString(err);
      if (stderr.contains("No module named 'prometheus_client'")) {
        fail(
            "the Prometheus Python client is not installed for "
                + PYTHON
                + "; install it with: "
                + Chromium.INSTALL_COMMAND);
      }
      assertThat(p.exitValue()).as("the parser refused the scrape:\n%s", stderr).isZero();
      List<Sample> samples = new ArrayList<>();
      for (String line : Files.readAllLines(out)) {
        String[] f = line.split("\t", -1);
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 3; i < f.length; i++) {
          if (!f[i].isEmpty()) {
            labels.put(f[i].substring(0, f[i].indexOf('=')), f[i].substring(f[i].indexOf('=') + 1));
          }
        }
        samples.add(new Sample(f[0], f[1], f[2], labels));
      }
      assertThat(samples).as("the parser found samples").hasSizeGreaterThan(100);
      return samples;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
