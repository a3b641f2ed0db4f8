package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(1);

  /** Jitter at its top: each delay is the cap it is drawn under. */
  private static Backoff atCap() {
    return new Backoff(INITIAL, MAX, bound -> bound);
  }

  @Test
  void theCapDoublesWithEachAttemptUpToTheMaximum() {
    Backoff b = atCap();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      delays.add(b.next().toMillis());
    }
    assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    assertThat(b.attempt()).isEqualTo(6);
  }

  @Test
  void aRestartDelayIsDrawnUnderTheJitterAndTheNextFailureContinuesFromTheSecondStep() {
    List<Long> bounds = new ArrayList<>();
    Backoff b =
        new Backoff(
            INITIAL,
            MAX,
            bound -> {
              bounds.add(bound);
              return bound / 2;
            });
    assertThat(b.restart(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(250));
    assertThat(b.attempt()).isEqualTo(1);
    assertThat(b.next()).isEqualTo(Duration.ofMillis(100)); // half of the second cap, 200
    assertThat(bounds).containsExactly(500L, 200L);
  }

  @Test
  void eachDelayIsDrawnBetweenZeroAndTheCap() {
    List<Long> bounds = new ArrayList<>();
    Backoff b =
        new Backoff(
            INITIAL,
            MAX,
            bound -> {
              bounds.add(bound);
              return 0;
            });
    assertThat(b.next()).isEqualTo(Duration.ZERO);
    assertThat(b.next()).isEqualTo(Duration.ZERO);
    assertThat(bounds).containsExactly(100L, 200L);
  }

  @Test
  void aResetStartsFromTheInitialDelayAgain() {
    Backoff b = atCap();
    b.next();
    b.next();
    b.reset();
    assertThat(b.attempt()).isZero();
    assertThat(b.next()).isEqualTo(INITIAL);
    assertThat(b.attempt()).isEqualTo(1);
  }

  @Test
  void manyAttemptsNeitherOverflowNorExceedTheMaximum() {
    Backoff b = new Backoff(INITIAL, Duration.ofDays(365), bound -> bound);
    Duration last = Duration.ZERO;
    for (int i = 0; i < 200; i++) {
      last = b.next();
      assertThat(last).isPositive();
    }
    assertThat(last).isEqualTo(INITIAL.multipliedBy(1L << 20)); // doubling stops at 2^20
  }

  @Test
  void eachDelayIsDrawnFromZeroToThatAttemptsCap() {
    // The random source is asked for a value in [0, cap] with exactly each attempt's cap, and the
    // delay is what it returns: with the lowest value, 0; the caps themselves double up to MAX.
    List<Long> bounds = new ArrayList<>();
    Backoff b =
        new Backoff(
            INITIAL,
            MAX,
            bound -> {
              bounds.add(bound);
              return 0;
            });
    for (int i = 0; i < 6; i++) {
      assertThat(b.next()).isEqualTo(Duration.ZERO);
    }
    assertThat(bounds).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
  }
}
