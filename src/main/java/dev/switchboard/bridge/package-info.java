/**
 * What every bridge shares, whatever it bridges to: {@link dev.switchboard.bridge.BridgeCounters},
 * the counters, state and lag that {@code /api/stats}, the dashboard and {@code /metrics} show.
 * Plain Java, no broker client: the metrics and the composition root read it without loading
 * kafka-clients or Jakarta Messaging. The Kafka and JMS bridges live in the subpackages.
 */
@NullMarked
package dev.switchboard.bridge;

import org.jspecify.annotations.NullMarked;
