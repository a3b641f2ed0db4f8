package dev.switchboard.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.ManualClock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
  private final ManualClock clock = new ManualClock();
  private final RecordingLogger log = new RecordingLogger();
  private final LogLimiter limiter = new LogLimiter(log, 3, Duration.ofMinutes(1), clock::nanoTime);

  @Test
  void theFirstNOfAKindAreWrittenTheRestCountedAndSummedUpWithTheNextAfterTheInterval() {
    for (int i = 1; i <= 10; i++) {
      limiter.warn("hook failed", "hook failed " + i);
    }
    assertThat(log.take())
        .containsExactly("WARNING hook failed 1", "WARNING hook failed 2", "WARNING hook failed 3");

    clock.advance(Duration.ofSeconds(59));
    limiter.warn("hook failed", "hook failed 11");
    assertThat(log.take()).as("still the same interval").isEmpty();

    clock.advance(Duration.ofSeconds(1));
    limiter.warn("hook failed", "hook failed 12");
    assertThat(log.take())
        .containsExactly(
            "WARNING suppressed 8 similar messages in the last 60 s: hook failed",
            "WARNING hook failed 12");
  }

  @Test
  void kindsAreCountedApart() {
    for (int i = 0; i < 5; i++) {
      limiter.warn("a", "a" + i);
      limiter.warn("b", "b" + i);
    }
    assertThat(log.take())
        .containsExactly(
            "WARNING a0", "WARNING b0", "WARNING a1", "WARNING b1", "WARNING a2", "WARNING b2");
  }

  @Test
  void aQuietIntervalWritesNoSummary() {
    limiter.warn("k", "one");
    clock.advance(Duration.ofMinutes(5));
    limiter.warn("k", "two");
    assertThat(log.take()).containsExactly("WARNING one", "WARNING two");
  }

  @Test
  void aSuppressedMessageIsNeverBuilt() {
    AtomicInteger built = new AtomicInteger();
    for (int i = 0; i < 100; i++) {
      limiter.log(Level.ERROR, "k", () -> "built " + built.incrementAndGet(), null);
    }
    assertThat(built).hasValue(3);
  }

  @Test
  void nothingIsCountedBelowTheLoggersLevel() {
    log.threshold = Level.ERROR;
    for (int i = 0; i < 10; i++) {
      limiter.warn("k", "w" + i);
    }
    log.threshold = Level.ALL;
    clock.advance(Duration.ofMinutes(1));
    limiter.warn("k", "later");
    assertThat(log.take()).containsExactly("WARNING later");
  }

  @Test
  void theCauseTravelsWithTheMessage() {
    IllegalStateException boom = new IllegalStateException("boom");
    limiter.warn("k", "failed", boom);
    assertThat(log.failures).containsExactly(boom);
  }

  @Test
  void flushWritesThePendingCountsAndStartsANewInterval() {
    for (int i = 0; i < 7; i++) {
      limiter.warn("k", "w" + i);
    }
    log.take();
    clock.advance(Duration.ofSeconds(20));
    limiter.flush();
    assertThat(log.take())
        .isEqualTo(List.of("WARNING suppressed 4 similar messages in the last 20 s: k"));
    limiter.warn("k", "again");
    assertThat(log.take()).containsExactly("WARNING again");
    limiter.flush();
    assertThat(log.take()).isEmpty();
  }

  @Test
  void manyKindsShareOneCountOnceTheTableIsFull() {
    LogLimiter one = new LogLimiter(log, 1, Duration.ofMinutes(1), clock::nanoTime);
    for (int i = 0; i < LogLimiter.MAX_KINDS; i++) {
      one.warn("kind " + i, "m" + i);
    }
    log.take();
    one.warn("new kind 1", "x1");
    one.warn("new kind 2", "x2");
    assertThat(log.take()).as("both under the shared kind, limit 1").containsExactly("WARNING x1");
    clock.advance(Duration.ofMinutes(1));
    one.warn("new kind 3", "x3");
    assertThat(log.take())
        .as("the table forgot the quiet kinds: a new kind has its own count again")
        .containsExactly("WARNING x3");
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new LogLimiter(log, 0, Duration.ofMinutes(1), clock::nanoTime))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
