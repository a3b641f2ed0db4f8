package dev.switchboard.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The access log's lines, on a manual clock. The real server's are in standalone.AccessLogTest. */
class AccessLogTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingLogger log = new RecordingLogger();
  private final AccessLog access = new AccessLog(true, log, clock::nanoTime);

  @Test
  void aClosedConnectionsLineCarriesItsLifetime() {
    AccessLog.Entry e = access.opened("/ws", "10.0.0.7", "https://app.example");
    assertThat(log.take()).as("nothing at open").isEmpty();
    clock.advance(Duration.ofMillis(1500));
    e.closed("bob", 4003, "not reading");
    e.closed("bob", 1006, "later report"); // the line is written once
    assertThat(log.take())
        .containsExactly(
            "INFO path=/ws remote=10.0.0.7 origin=\"https://app.example\" user=\"bob\""
                + " result=closed code=4003 reason=\"not reading\" duration_ms=1500");
  }

  @Test
  void valuesAClientChoosesCannotBreakTheLine() {
    long start = access.now();
    clock.advance(Duration.ofMillis(2));
    access.refused("/ws", null, "x\" user=\"admin\r\nfake", 403, "origin not allowed", start);
    assertThat(log.take())
        .containsExactly(
            "INFO path=/ws remote=- origin=\"x\\\" user=\\\"admin\\x0d\\x0afake\" user=-"
                + " result=refused status=403 reason=\"origin not allowed\" duration_ms=2");
    String longOrigin = "o".repeat(500);
    access.refused("/ws", "1.2.3.4", longOrigin, 403, "no", start);
    assertThat(log.take().get(0)).contains("\"" + "o".repeat(200) + "...\"");
  }

  @Test
  void refusalsAreLimitedPerStatusAndCountedInOneLine() {
    for (int i = 0; i < 100; i++) {
      access.refused("/ws", "1.2.3.4", null, 429, "too many", access.now());
    }
    access.refused("/ws", "1.2.3.4", null, 503, "full", access.now());
    assertThat(log.take()).hasSize(AccessLog.REFUSALS_PER_INTERVAL + 1);
    clock.advance(AccessLog.REFUSAL_INTERVAL);
    access.refused("/ws", "1.2.3.4", null, 429, "too many", access.now());
    assertThat(log.take())
        .first()
        .isEqualTo("INFO suppressed 80 similar messages in the last 10 s: refused 429");
  }

  @Test
  void offOrBelowInfoAnOpenConnectionKeepsNothing() {
    assertThat(AccessLog.OFF.opened("/ws", "1.2.3.4", null)).isNull();
    log.threshold = System.Logger.Level.WARNING;
    assertThat(access.opened("/ws", "1.2.3.4", null)).isNull();
  }
}
