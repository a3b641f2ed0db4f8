package dev.switchboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.BridgeFixture;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in {@code server-config/grafana-dashboard.json} uses only names a real
 * standalone server's {@code /metrics} serves, so it cannot drift from them; and it is importable:
 * every query goes through the {@code DS_PROMETHEUS} datasource variable. The server runs on the
 * Redis engine (the machine's Redis), the only one with link metrics, with a bridge of each type
 * ({@link BridgeFixture}) for the bridges' series.
 */
class GrafanaDashboardTest {
  private static final Path FILE = Path.of("server-config/grafana-dashboard.json");

  /** A metric name in a PromQL expression: the prefixes /metrics serves. */
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:switchboard|jvm|process|system)_[a-z0-9_]*[a-z0-9]");

  /** The name of a sample line of the text format, before its labels or value. */
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

  private static final String DATASOURCE = "${DS_PROMETHEUS}";

  private static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(FILE.toFile());
  }

  /** Every query target of every panel, also of panels inside collapsed rows. */
  private static List<JsonNode> targets(JsonNode panels) {
    List<JsonNode> result = new ArrayList<>();
    for (JsonNode panel : panels) {
      panel.path("targets").forEach(result::add);
      result.addAll(targets(panel.path("panels")));
    }
    return result;
  }

  private static Set<String> names(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  private static Set<String> served(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void everyMetricTheDashboardQueriesIsServedByARealServer() throws Exception {
    JsonNode dashboard = dashboard();
    List<JsonNode> targets = targets(dashboard.path("panels"));
    Set<String> used = new TreeSet<>();
    for (JsonNode target : targets) {
      String expr = target.path("expr").asText();
      assertThat(names(expr)).as("a metric in %s", expr).isNotEmpty();
      used.addAll(names(expr));
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      used.addAll(names(variable.path("definition").asText()));
    }
    assertThat(used)
        .as("the panels the dashboard promises")
        .contains(
            "switchboard_connections",
            "switchboard_publications_total",
            "switchboard_deliveries_total",
            "switchboard_dropped_frames_total",
            "switchboard_closes_total",
            "switchboard_errors_total",
            "switchboard_outbox_queued_bytes",
            "switchboard_engine_ready",
            "switchboard_handshakes_total",
            "switchboard_subscriptions",
            "switchboard_delivery_latency_seconds_bucket",
            "switchboard_engine_command_seconds_bucket",
            "switchboard_engine_errors_total",
            "switchboard_engine_link_up",
            "switchboard_engine_link_reconnects_total",
            "switchboard_bridge_consumed_total",
            "switchboard_bridge_published_total",
            "switchboard_bridge_duplicates_total",
            "switchboard_bridge_dead_lettered_total",
            "switchboard_bridge_malformed_total",
            "switchboard_bridge_forwarded_total",
            "switchboard_bridge_lag_records",
            "switchboard_bridge_up",
            "jvm_memory_used_bytes",
            "jvm_gc_pause_seconds_count",
            "process_cpu_usage");

    // On the Redis engine, so the link's metrics (absent on the memory engine) are served too.
    String prefix = Redis.freshPrefix();
    BridgeFixture bridges = BridgeFixture.start();
    Map<String, String> settings = new HashMap<>(Redis.clusterSettings(Redis.URI, prefix));
    settings.putAll(bridges.settings());
    StandaloneServer server = TestServers.start(settings);
    try {
      // A malformed message, so that the malformed counter has a series (one per kind seen).
      bridges.feedSource(server.httpUri(), 1);
      // The GC pause timer appears with the first collection: ask for one until it is served.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                System.gc();
                Http.Response r = Http.get(server.httpUri().resolve("/metrics"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(served(r.body())).containsAll(used);
              });
    } finally {
      server.stop(Duration.ofSeconds(2));
      bridges.close();
      Redis.deleteAll(Redis.URI, prefix);
    }
  }

  @Test
  void everyQueryGoesThroughTheDatasourceVariable() throws IOException {
    JsonNode dashboard = dashboard();
    assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
    assertThat(dashboard.path("__inputs").findValuesAsText("name")).contains("DS_PROMETHEUS");
    JsonNode variable = null;
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("name").asText().equals("DS_PROMETHEUS")) {
        variable = v;
      }
    }
    assertThat(variable).as("a datasource variable DS_PROMETHEUS").isNotNull();
    assertThat(variable.path("type").asText()).isEqualTo("datasource");
    assertThat(variable.path("query").asText()).isEqualTo("prometheus");
    List<JsonNode> targets = targets(dashboard.path("panels"));
    assertThat(targets).hasSizeGreaterThanOrEqualTo(10);
    for (JsonNode panel : dashboard.path("panels")) {
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as(panel.path("title").asText())
            .isEqualTo(DATASOURCE);
      }
    }
    for (JsonNode target : targets) {
      assertThat(target.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE);
      String expr = target.path("expr").asText();
      if (expr.contains("_total")) {
        assertThat(expr).as("a counter is read as a rate").contains("rate(").contains("[1m])");
      }
    }
  }
}
