package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The load generator, in-process, against a real server: a rate-limited run says why it looks
 * broken.
 */
class RateLimitedBenchTest {

  private static String fanout(StandaloneServer server) throws InterruptedException {
    Target target = Target.of("ws://127.0.0.1:" + server.port(), 1, Dialect.HUB, null);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // A window of 64 publications leaves at once: more than the limit's burst of 2 × 20.
    new FanoutBench(
            new FanoutBench.Options(
                target, target, "bench", 2, 1, 16, 64, 0, 0, 1, 1, 1, 0, "-", true, 0),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run();
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aFanoutRunAgainstARateLimitedServerNamesErrorOneFourteenAndTheSettingsThatLiftIt()
      throws Exception {
    StandaloneServer server = TestServers.start(Map.of("ws.rate.messages", "20"));
    try {
      String err = fanout(server);
      assertThat(err.lines().filter(l -> l.startsWith("bench: the server rate-limited this run")))
          .singleElement()
          .asString()
          .contains("error 114", "SWITCHBOARD_WS_RATE_MESSAGES=0 SWITCHBOARD_WS_RATE_BYTES=0");
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aRunThatWasNotRateLimitedSaysNothingAboutIt() throws Exception {
    StandaloneServer server = TestServers.start();
    try {
      assertThat(fanout(server)).doesNotContain("rate-limited");
    } finally {
      server.stop(Duration.ofSeconds(1));
    }
  }
}
