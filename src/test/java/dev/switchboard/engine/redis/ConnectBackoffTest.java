package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ConnectBackoffTest {

  private static List<Long> waits(ConnectBackoff backoff, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(backoff.next().toMillis());
    }
    return out;
  }

  @Test
  void theLongestWaitsDoubleFromOneHundredMillisecondsUpToTheMaximum() {
    ConnectBackoff longest = new ConnectBackoff(Duration.ofSeconds(5), bound -> bound);

    assertThat(waits(longest, 9))
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
    assertThat(longest.attempts()).isEqualTo(9);
  }

  @Test
  void theShortestWaitsAreHalfOfThoseSoNoAttemptFollowsAnotherAtOnce() {
    ConnectBackoff shortest = new ConnectBackoff(Duration.ofSeconds(5), bound -> 0);

    assertThat(waits(shortest, 8))
        .containsExactly(50L, 100L, 200L, 400L, 800L, 1600L, 2500L, 2500L);
  }

  @Test
  void aMaximumBelowTheFirstWaitIsRaisedToIt() {
    assertThat(waits(new ConnectBackoff(Duration.ofMillis(10), bound -> bound), 3))
        .containsExactly(100L, 100L, 100L);
  }

  @Test
  void manyAttemptsDoNotOverflowTheDoubling() {
    ConnectBackoff backoff = new ConnectBackoff(Duration.ofMinutes(10), bound -> bound);

    assertThat(waits(backoff, 200)).allSatisfy(w -> assertThat(w).isBetween(100L, 600_000L));
    assertThat(backoff.next()).isEqualTo(Duration.ofMinutes(10));
  }

  @RepeatedTest(20)
  void jitteredWaitsStayBetweenHalfTheCapAndTheCap() {
    ConnectBackoff backoff = ConnectBackoff.jittered(Duration.ofSeconds(1));
    long[] caps = {100, 200, 400, 800, 1000, 1000};
    for (long cap : caps) {
      assertThat(backoff.next().toMillis()).isBetween(cap / 2, cap);
    }
  }
}
