package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private final LatencyHistogram h = new LatencyHistogram();

  private static long ms(double millis) {
    return Math.round(millis * 1_000_000);
  }

  @Test
  void aDurationOnABoundCountsInThatBucketAsPrometheusLeMeans() {
    h.record(ms(0.5));
    h.record(ms(0.5) + 1);
    long[] counts = h.counts();
    assertThat(counts[0]).as("le=0.0005").isEqualTo(1);
    assertThat(counts[1]).as("le=0.001").isEqualTo(1);
  }

  @Test
  void negativeDurationsCountAsZeroAndLongOnesGoToTheInfiniteBucket() {
    h.record(-5);
    h.record(ms(5000) + 1);
    long[] counts = h.counts();
    assertThat(counts).hasSize(LatencyHistogram.boundsSeconds().length + 1);
    assertThat(counts[0]).isEqualTo(1);
    assertThat(counts[counts.length - 1]).isEqualTo(1);
    assertThat(h.count()).isEqualTo(2);
    assertThat(h.sumSeconds()).isCloseTo(5.0, Offset.offset(1e-6));
  }

  @Test
  void theBoundsAreAscendingAndTheCountsAreNotCumulative() {
    double[] bounds = LatencyHistogram.boundsSeconds();
    assertThat(bounds).isSorted().startsWith(0.0005).endsWith(5.0);
    for (double b : bounds) {
      h.record(Math.round(b * 1e9));
    }
    assertThat(h.counts()).containsOnly(1, 0);
    assertThat(Arrays.stream(h.counts()).sum()).isEqualTo(bounds.length);
  }
}
