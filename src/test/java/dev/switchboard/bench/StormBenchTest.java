package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection-storm workloads, in-process, against a real standalone server: they finish on
 * their own and report a RESULT line. Their verdicts do not depend on how fast the machine is.
 */
class StormBenchTest {
  private static final PrintStream QUIET =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private static Map<String, Object> storm(StandaloneServer server, int startRate)
      throws InterruptedException {
    Target target = Target.of("ws://127.0.0.1:" + server.port(), 1, Dialect.HUB, null);
    return new StormBench(
            new StormBench.Options(
                target,
                "storm",
                startRate,
                2,
                Duration.ofMillis(250),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                1000,
                0,
                "test",
                true),
            QUIET)
        .run();
  }

  @Test
  void aTinyStormFinishesAndReportsItsResultLine() throws Exception {
    StandaloneServer server = TestServers.start(Map.of("limits.connect-rate", "100000"));
    try {
      Map<String, Object> r = storm(server, 20);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Results.emit(r, new PrintStream(out, true, StandardCharsets.UTF_8), QUIET, null);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .startsWith("RESULT label=test mode=storm")
          .contains(" best_rate=", " p99_us=", " first_failure=");
      assertThat((Long) r.get("connects")).isPositive();
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aServerThatRefusesConnectsIsWhatFailsFirst() throws Exception {
    // 5 connects per second, bursts of 10: the first step, 100 per second, is refused with 429.
    StandaloneServer server = TestServers.start(Map.of("limits.connect-rate", "5"));
    try {
      Map<String, Object> r = storm(server, 100);
      assertThat(r.get("best_rate")).isEqualTo(0);
      assertThat(r.get("failed_at_rate")).isEqualTo(100);
      assertThat((String) r.get("first_failure")).contains("429");
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void subscribedClientsComeBackAfterARestartAndResubscribeFromTheirPositions(@TempDir Path dir)
      throws Exception {
    Map<String, String> settings =
        Map.of(
            "limits.connect-rate", "100000",
            "namespace.hist.history.size", "10",
            "shutdown.spread", "200ms");
    StandaloneServer first = TestServers.start(settings);
    int port = first.port();
    Path ready = dir.resolve("ready");
    ReconnectBench bench =
        new ReconnectBench(
            new ReconnectBench.Options(
                Target.of("ws://127.0.0.1:" + port, 1, Dialect.HUB, null),
                "hist:t",
                20,
                4,
                10,
                Duration.ofMillis(100),
                Duration.ofMillis(50),
                Duration.ofMillis(500),
                ready,
                Duration.ofSeconds(15),
                "test",
                true),
            QUIET);
    CompletableFuture<Map<String, Object>> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return bench.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    StandaloneServer second = null;
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(ready));
      first.stop(Duration.ofSeconds(2));
      second =
          TestServers.start(
              Map.of(
                  "server.port", String.valueOf(port),
                  "limits.connect-rate", "100000",
                  "namespace.hist.history.size", "10"));
      Map<String, Object> r = run.get(30, TimeUnit.SECONDS);
      assertThat(r)
          .containsEntry("lost", 20)
          .containsEntry("back", 20)
          .containsEntry("closes_1012", 20L)
          // The memory engine's history went with the first server: a new epoch, not recovered.
          .containsEntry("not_recovered", 20L);
      assertThat((Long) r.get("all_back_ms")).isPositive();
    } finally {
      first.stop(Duration.ofSeconds(1));
      if (second != null) {
        second.stop(Duration.ofSeconds(1));
      }
    }
  }
}
