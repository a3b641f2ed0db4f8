package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void allowsBurstsOfTwiceTheRateThenRefusesUntilTokensRefill() {
    RateLimiter r = new RateLimiter(10, 0, 0);
    for (int i = 0; i < 20; i++) {
      assertThat(r.onMessage(10, 0)).isEqualTo(RateLimiter.Verdict.ALLOWED);
    }
    assertThat(r.onMessage(10, 0)).isEqualTo(RateLimiter.Verdict.REFUSED);
    assertThat(r.onMessage(10, SECOND / 10))
        .isEqualTo(RateLimiter.Verdict.ALLOWED); // one token back
  }

  @Test
  void bytesAreLimitedToo() {
    RateLimiter r = new RateLimiter(0, 1000, 0);
    assertThat(r.onMessage(1500, 0)).isEqualTo(RateLimiter.Verdict.ALLOWED);
    assertThat(r.onMessage(600, 0)).isEqualTo(RateLimiter.Verdict.REFUSED);
  }

  @Test
  void refusalsInThreeConsecutiveSecondsAreFlooding() {
    RateLimiter r = new RateLimiter(1, 0, 0);
    r.onMessage(1, 0);
    r.onMessage(1, 0);
    assertThat(r.onMessage(1, 0)).isEqualTo(RateLimiter.Verdict.REFUSED);
    // Two tokens come back each second; the flood sends more.
    for (int s = 1; s <= 2; s++) {
      long t = s * SECOND;
      r.onMessage(1, t);
      r.onMessage(1, t);
      RateLimiter.Verdict v = r.onMessage(1, t);
      assertThat(v).isEqualTo(s < 2 ? RateLimiter.Verdict.REFUSED : RateLimiter.Verdict.FLOODING);
    }
  }
}
