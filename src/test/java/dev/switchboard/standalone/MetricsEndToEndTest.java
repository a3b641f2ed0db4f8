package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.ApiKey;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on a real standalone server: the Prometheus text format, values that follow
 * real WebSocket traffic, and the same protection as {@code /api/stats} (direct loopback without
 * keys; with keys, one with the metrics or admin scope).
 */
class MetricsEndToEndTest {
  private static StandaloneServer open;
  private static StandaloneServer keyed;

  /** One sample line of the text exposition format: name, optional labels, a value. */
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*\\})?"
              + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");

  private static final List<String> NAMES =
      List.of(
          "switchboard_connections{endpoint=\"hub\"}",
          "switchboard_connections{endpoint=\"echo\"}",
          "switchboard_connections_opened_total",
          "switchboard_connections_closed_total",
          "switchboard_handshakes_total{result=\"accepted\"}",
          "switchboard_handshakes_total{result=\"refused_origin\"}",
          "switchboard_channels",
          "switchboard_subscriptions",
          "switchboard_delivery_latency_seconds_bucket{le=\"+Inf\"}",
          "switchboard_delivery_latency_seconds_count",
          "switchboard_delivery_latency_seconds_sum",
          "switchboard_engine_command_seconds_bucket{command=\"publish\",le=\"5.0\"}",
          "switchboard_engine_command_seconds_count{command=\"history\"}",
          "switchboard_engine_errors_total{command=\"publish\"}",
          "switchboard_publications_total",
          "switchboard_deliveries_total",
          "switchboard_dropped_frames_total",
          "switchboard_closes_total{code=\"4000\",reason=\"slow_consumer\"}",
          "switchboard_errors_total{code=\"unauthorized\"}",
          "switchboard_outbox_queued_bytes",
          "switchboard_hook_failures_total",
          "switchboard_dropped_events_total",
          "switchboard_engine_ready",
          "jvm_memory_used_bytes",
          "jvm_gc_",
          "jvm_threads_live_threads",
          "system_cpu_count",
          "process_uptime_seconds");

  @BeforeAll
  static void start() {
    open = TestServers.start(Map.of());
    keyed =
        TestServers.start(
            Map.of(
                "api.keys",
                ApiKey.forConfig("prom", "prom-key", ApiKey.Scope.METRICS)
                    + ","
                    + ApiKey.forConfig("pub", "pub-key", ApiKey.Scope.PUBLISH)
                    + ","
                    + ApiKey.forConfig("ops", "ops-key", ApiKey.Scope.ADMIN)));
  }

  @AfterAll
  static void stop() {
    open.stop(Duration.ofSeconds(2));
    keyed.stop(Duration.ofSeconds(2));
  }

  private static URI metrics(StandaloneServer s) {
    return s.httpUri().resolve("/metrics");
  }

  /** Every sample of a scrape by its series (name and labels), parsed line by line. */
  private static Map<String, Double> parse(String text) {
    Map<String, Double> series = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a sample line: %s", line).isTrue();
      String value = m.group(5);
      series.put(
          line.substring(0, line.indexOf(' ', m.end(2) < 0 ? m.end(1) : m.end(2))),
          value.equals("NaN") ? Double.NaN : Double.parseDouble(value.replace("Inf", "Infinity")));
    }
    return series;
  }

  private static Map<String, Double> scrape() {
    Http.Response r = Http.get(metrics(open));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
    return parse(r.body());
  }

  @Test
  void aScrapeNamesEveryMetricAndFollowsRealTraffic() {
    Map<String, Double> before = scrape();
    for (String name : NAMES) {
      assertThat(before.keySet()).as(name).anyMatch(k -> k.startsWith(name));
    }
    assertThat(before.get("switchboard_engine_ready")).isEqualTo(1.0);
    assertThat(before.keySet())
        .as("one closes series per known close code and one for the others")
        .filteredOn(k -> k.startsWith("switchboard_closes_total"))
        .hasSize(dev.switchboard.protocol.CloseCode.known().size() + 1)
        .contains("switchboard_closes_total{code=\"other\",reason=\"other\"}");

    try (WsClient c = WsClient.connect(open.wsUri().resolve("/ws"))) {
      assertThat(c.call(id -> new Command.Subscribe(id, "metrics")))
          .isEqualTo(ServerMessage.Ok.of(1));
      assertThat(c.call(id -> new Command.Publish(id, "metrics", new Payload.Json("1"))))
          .isInstanceOf(ServerMessage.Ok.class);
      assertThat(c.nextMessage()).isInstanceOf(ServerMessage.Publication.class);

      try (WsClient echo = WsClient.connect(open.wsUri().resolve("/echo"))) {
        echo.send("ping");
        assertThat(echo.nextText()).isEqualTo("ping");
        assertThat(scrape().get("switchboard_connections{endpoint=\"echo\"}")).isEqualTo(1.0);
      }
      // The server counts the echo connection gone once it has seen the close.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> scrape().get("switchboard_connections{endpoint=\"echo\"}") == 0.0);
      // The latency is recorded once the round has started the writes, which may be after the
      // client read the frame: waited for, and exactly one publication was fanned out.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  scrape().get("switchboard_delivery_latency_seconds_count")
                      == before.get("switchboard_delivery_latency_seconds_count") + 1);
      String publishCount = "switchboard_engine_command_seconds_count{command=\"publish\"}";
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> scrape().get(publishCount) >= before.get(publishCount) + 1);
      Map<String, Double> after = scrape();
      assertThat(after.get("switchboard_delivery_latency_seconds_bucket{le=\"+Inf\"}"))
          .as("_count equals the +Inf bucket")
          .isEqualTo(after.get("switchboard_delivery_latency_seconds_count"));
      assertThat(after.get("switchboard_subscriptions")).isEqualTo(1.0);
      assertThat(after.get("switchboard_handshakes_total{result=\"accepted\"}"))
          .as("the hub connection and the echo connection")
          .isEqualTo(before.get("switchboard_handshakes_total{result=\"accepted\"}") + 2);
      assertThat(after.keySet())
          .as("no engine link series on the memory engine")
          .noneMatch(k -> k.startsWith("switchboard_engine_link"));
      assertThat(after.get("switchboard_connections{endpoint=\"hub\"}")).isEqualTo(1.0);
      assertThat(after.get("switchboard_channels")).isEqualTo(1.0);
      assertThat(after.get("switchboard_publications_total"))
          .isEqualTo(before.get("switchboard_publications_total") + 1);
      // Every frame queued for a client counts: two replies and the publication (and a ping, if
      // the sweeper sent one meanwhile).
      assertThat(after.get("switchboard_deliveries_total"))
          .isGreaterThanOrEqualTo(before.get("switchboard_deliveries_total") + 3);
      assertThat(after.get("switchboard_connections_opened_total"))
          .isEqualTo(before.get("switchboard_connections_opened_total") + 1);
    }
    // The subscription ends with its connection.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scrape().get("switchboard_subscriptions") == 0.0);
  }

  @Test
  void refusedHandshakesAreCountedByWhyTheyWereRefused() throws Exception {
    String origin = "switchboard_handshakes_total{result=\"refused_origin\"}";
    String malformed = "switchboard_handshakes_total{result=\"refused_malformed\"}";
    Map<String, Double> before = scrape();
    String host = open.httpUri().getHost();
    int port = open.httpUri().getPort();
    String evil =
        RawWsClient.exchange(
            host,
            port,
            RawWsClient.handshake(host, port, "/ws", "Origin: https://evil.example\r\n"),
            5000);
    assertThat(evil).startsWith("HTTP/1.1 403");
    String noKey =
        RawWsClient.exchange(
            host,
            port,
            "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n",
            5000);
    assertThat(noKey).startsWith("HTTP/1.1 400");
    Map<String, Double> after = scrape();
    assertThat(after.get(origin)).isEqualTo(before.get(origin) + 1);
    assertThat(after.get(malformed)).isEqualTo(before.get(malformed) + 1);
  }

  @Test
  void withMetricsDisabledTheServerHasNoSuchPath() {
    StandaloneServer off = TestServers.start(Map.of("metrics.enabled", "false"));
    try {
      Http.Response r = Http.get(metrics(off));
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.body()).doesNotContain("switchboard_");
      assertThat(Http.get(off.httpUri().resolve("/no-such-path")).status()).isEqualTo(404);
      assertThat(Http.get(off.httpUri().resolve("/api/stats")).status())
          .as("the rest of the API is still there")
          .isEqualTo(200);
    } finally {
      off.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void onlyGetAndHeadAreAllowed() {
    Http.Response r = Http.postJson(metrics(open), "{}");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void withoutKeysARequestThroughAProxyIsRefusedAsForTheStats() {
    for (String path : new String[] {"/metrics", "/api/stats"}) {
      Http.Response r = Http.get(open.httpUri().resolve(path), "X-Forwarded-For", "203.0.113.9");
      assertThat(r.status()).as(path).isEqualTo(403);
      assertThat(r.json().path("error").path("code").asInt()).isEqualTo(110);
      assertThat(r.body()).doesNotContain("switchboard_");
    }
  }

  @Test
  void withKeysTheMetricsOrAdminScopeReadsAndOthersAreRefused() {
    assertThat(Http.get(metrics(keyed)).status()).as("no key, even from loopback").isEqualTo(401);
    assertThat(Http.get(metrics(keyed), "Authorization", "Bearer wrong").status()).isEqualTo(401);
    Http.Response publishOnly = Http.get(metrics(keyed), "Authorization", "Bearer pub-key");
    assertThat(publishOnly.status()).isEqualTo(403);
    assertThat(publishOnly.body()).contains("metrics scope");
    for (String key : new String[] {"prom-key", "ops-key"}) {
      Http.Response r = Http.get(metrics(keyed), "Authorization", "Bearer " + key);
      assertThat(r.status()).as(key).isEqualTo(200);
      assertThat(parse(r.body())).containsKey("switchboard_publications_total");
    }
    // The metrics scope is for the scrape only.
    assertThat(
            Http.get(keyed.httpUri().resolve("/api/stats"), "Authorization", "Bearer prom-key")
                .status())
        .isEqualTo(403);
  }

  @Test
  void eachServerHasItsOwnRegistry() {
    String key = "Bearer prom-key";
    double keyedBefore =
        parse(Http.get(metrics(keyed), "Authorization", key).body())
            .get("switchboard_publications_total");
    double openBefore = scrape().get("switchboard_publications_total");
    Http.Response published =
        Http.postJson(open.httpUri().resolve("/api/publish"), "{\"channel\":\"x\",\"data\":1}");
    assertThat(published.status()).isEqualTo(200);
    assertThat(scrape().get("switchboard_publications_total")).isEqualTo(openBefore + 1);
    assertThat(
            parse(Http.get(metrics(keyed), "Authorization", key).body())
                .get("switchboard_publications_total"))
        .isEqualTo(keyedBefore);
  }
}
