package dev.switchboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bridge.BridgeCounters;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bridges' series in a scrape of a real registry: a lag not known yet is NaN, not a made-up 0,
 * and each counter family lists only the bridges whose type keeps it.
 */
class BridgeSeriesTest {
  @Test
  void anUnknownLagIsNaNAndEachFamilyHasOnlyTheBridgesThatKeepIt() {
    BridgeCounters kafka = new BridgeCounters("k", BridgeCounters.Type.KAFKA);
    kafka.consumed.add(4);
    kafka.malformed("oversized");
    BridgeCounters sink = new BridgeCounters("out", BridgeCounters.Type.JMS_SINK);
    sink.state("running");
    sink.measureLag(() -> 2);
    try (PrometheusMetrics metrics = new PrometheusMetrics()) {
      metrics.bindBridges(List.of(kafka, sink));
      String scrape = metrics.scrape();

      assertThat(scrape)
          .contains("switchboard_bridge_consumed_total{bridge=\"k\",type=\"kafka\"} 4")
          .contains(
              "switchboard_bridge_malformed_total{bridge=\"k\",kind=\"oversized\",type=\"kafka\"}"
                  + " 1")
          .contains("switchboard_bridge_lag_records{bridge=\"k\",type=\"kafka\"} NaN")
          .contains("switchboard_bridge_lag_records{bridge=\"out\",type=\"jms-sink\"} 2")
          .contains("switchboard_bridge_up{bridge=\"k\",type=\"kafka\"} 0")
          .contains("switchboard_bridge_up{bridge=\"out\",type=\"jms-sink\"} 1")
          .doesNotContain("switchboard_bridge_consumed_total{bridge=\"out\"")
          .doesNotContain("switchboard_bridge_forwarded_total{bridge=\"k\"");
    }
  }
}
