package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each type of bridge reports: its own counters only, malformed kinds and an honest lag. */
class BridgeCountersTest {
  @Test
  void aKafkaBridgeReportsItsCountersMalformedKindsAndItsLagOnceKnown() {
    BridgeCounters c = new BridgeCounters("orders", BridgeCounters.Type.KAFKA);
    c.consumed.add(5);
    c.published.add(3);
    c.deadLettered.increment();
    assertThat(c.malformed("bad_json")).as("first of its kind").isTrue();
    assertThat(c.malformed("bad_json")).isFalse();
    long[] lag = {BridgeCounters.UNKNOWN};
    c.measureLag(() -> lag[0]);

    Map<String, Object> r = c.report();
    assertThat(r.keySet())
        .containsExactly(
            "name",
            "type",
            "state",
            "consumed",
            "published",
            "duplicates",
            "dead_lettered",
            "retried",
            "malformed",
            "lag");
    assertThat(r)
        .containsEntry("type", "kafka")
        .containsEntry("consumed", 5L)
        .containsEntry("dead_lettered", 1L)
        .containsEntry("malformed", Map.of("bad_json", 2L))
        .containsEntry("lag", null);
    lag[0] = 42;
    assertThat(c.report()).containsEntry("lag", 42L);
  }

  @Test
  void aJmsSourceNeverReportsALagAndASinkHasNoSourceFigures() {
    BridgeCounters source = new BridgeCounters("in", BridgeCounters.Type.JMS_SOURCE);
    source.measureLag(() -> 7); // not measurable for a source: ignored, not faked
    assertThat(source.lag()).isEqualTo(BridgeCounters.UNKNOWN);
    assertThat(source.report()).containsEntry("lag", null).doesNotContainKey("forwarded");

    BridgeCounters sink = new BridgeCounters("out", BridgeCounters.Type.JMS_SINK);
    sink.forwarded.add(2);
    sink.measureLag(() -> 3);
    assertThat(sink.report().keySet())
        .containsExactly("name", "type", "state", "failures", "forwarded", "dropped", "lag");
    assertThat(sink.report()).containsEntry("forwarded", 2L).containsEntry("lag", 3L);
  }

  @Test
  void onlyTheRunningStateIsUp() {
    BridgeCounters c = new BridgeCounters("b", BridgeCounters.Type.JMS_SOURCE);
    assertThat(c.up()).isFalse();
    c.state("running");
    assertThat(c.up()).isTrue();
    c.state("reconnecting");
    assertThat(c.up()).isFalse();
  }
}
