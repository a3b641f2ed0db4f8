package dev.switchboard.bridge.kafka;

import dev.switchboard.bridge.BridgeCounters;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A bridge consumer's lag: records between its position and the log end, summed over the partitions
 * assigned to it (so over a cluster, each node reports its own share). {@link #measure} runs on the
 * consumer's thread after each poll; {@link #getAsLong} is read by any thread.
 *
 * <p>While the consumer fetches, the lag comes from what its fetches returned ({@link
 * KafkaConsumer#currentLag}): no remote call. A paused consumer fetches nothing, so those figures
 * would go stale just while records pile up (the engine is down): then the log ends are asked for,
 * at most every {@link #PAUSED_REFRESH}.
 */
final class ConsumerLag implements LongSupplier {
  private static final System.Logger LOG = System.getLogger(ConsumerLag.class.getName());

  /** How often a paused bridge asks the brokers for the log ends: one request per refresh. */
  private static final Duration PAUSED_REFRESH = Duration.ofSeconds(5);

  /** How long the paused bridge's thread waits for the log ends; it has nothing else to do. */
  private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(2);

  private final KafkaConsumer<?, ?> consumer;

  /** When the log ends were last asked for; only the consumer's thread touches it. */
  private long refreshedAt = System.nanoTime() - PAUSED_REFRESH.toNanos();

  /** The last measure, or {@link BridgeCounters#UNKNOWN}. */
  private volatile long records = BridgeCounters.UNKNOWN;

  ConsumerLag(KafkaConsumer<?, ?> consumer) {
    this.consumer = consumer;
  }

  @Override
  public long getAsLong() {
    return records;
  }

  /** Measures again; call on the consumer's thread only (the consumer is not thread-safe). */
  void measure(boolean paused) {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      records = 0; // nothing to read on this node
    } else if (!paused) {
      records = fromFetches(assigned);
    } else if (System.nanoTime() - refreshedAt >= PAUSED_REFRESH.toNanos()) {
      refreshedAt = System.nanoTime();
      records = fromLogEnds(assigned);
    }
  }

  /** The sum over the partitions whose lag is known; unknown when none is yet. */
  private long fromFetches(Set<TopicPartition> assigned) {
    long sum = 0;
    boolean known = false;
    for (TopicPartition tp : assigned) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isPresent()) {
        sum += lag.getAsLong();
        known = true;
      }
    }
    return known ? sum : BridgeCounters.UNKNOWN;
  }

  private long fromLogEnds(Set<TopicPartition> assigned) {
    try {
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, END_OFFSETS_TIMEOUT);
      long sum = 0;
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        sum += Math.max(0, e.getValue() - consumer.position(e.getKey(), Duration.ZERO));
      }
      return sum;
    } catch (WakeupException | InterruptException e) {
      throw e; // the bridge is closing: its loop ends on these
    } catch (KafkaException e) {
      // A timeout, or a partition without a position yet: the figure is not known this time.
      LOG.log(System.Logger.Level.DEBUG, "kafka bridge lag not measured: " + e);
      return BridgeCounters.UNKNOWN;
    }
  }
}
