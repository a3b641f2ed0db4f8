package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TcpProxy;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Redis link in {@code /metrics} on a real node whose link runs through a proxy the test cuts:
 * {@code switchboard_engine_link_up} falls to 0 and comes back, each break is counted, and engine
 * calls refused meanwhile are counted as engine errors of their command.
 */
class EngineLinkMetricsTest {

  private static double value(StandaloneServer node, String series) {
    String body = Http.get(node.httpUri().resolve("/metrics")).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
    assertThat(m.find()).as("%s is served", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void theLinkGoesDownAndUpInTheScrapeAndItsBreaksAndRefusedCallsAreCounted() throws Exception {
    try (RedisServer redis = RedisServer.start();
        TcpProxy network = new TcpProxy(redis.port())) {
      Map<String, String> settings =
          Redis.clusterSettings("redis://127.0.0.1:" + network.port() + "/0", "linkmetrics:");
      settings.put("redis.timeout", "1s");
      settings.put("redis.canary-interval", "200ms");
      StandaloneServer node = TestServers.start(settings);
      try {
        String publishErrors = "switchboard_engine_errors_total{command=\"publish\"}";
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> value(node, "switchboard_engine_link_up") == 1.0);
        assertThat(value(node, "switchboard_engine_link_reconnects_total")).isZero();
        double errorsBefore = value(node, publishErrors);

        network.refuse(true);
        network.cutAll();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> value(node, "switchboard_engine_link_up") == 0.0);
        assertThat(value(node, "switchboard_engine_link_reconnects_total")).isZero();
        assertThat(
                Http.postJson(
                        node.httpUri().resolve("/api/publish"),
                        "{\"channel\":\"feed:a\",\"data\":1}")
                    .status())
            .isEqualTo(503);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> value(node, publishErrors) >= errorsBefore + 1);

        network.refuse(false);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> value(node, "switchboard_engine_link_up") == 1.0);
        assertThat(value(node, "switchboard_engine_link_reconnects_total")).isEqualTo(1.0);
      } finally {
        node.stop(Duration.ofSeconds(2));
      }
    }
  }
}
