package dev.switchboard.bridge.kafka;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

/**
 * One bridge: a consumer thread that publishes each record into its channel with the idempotency
 * key {@code kafka:<topic>:<partition>:<offset>} and commits a partition's offset only up to the
 * last record whose publication the hub accepted (or that was malformed and dealt with). A record
 * whose publish fails (engine unavailable, timeout) is read again from its offset after a pause;
 * the ones after it that were published are then repeats the engine skips. Records of a partition
 * are published in order, so a channel fed by one partition holds them in the partition's order.
 *
 * <p>A commit that fails because the group is rebalancing, this node was dropped from it (a pause
 * longer than the session timeout) or Kafka did not answer in time does not stop the bridge: the
 * offsets are kept and committed with the next batch, or when the partition is revoked; what a
 * partition lost without that owed is read again by its next owner, whose repeats the engine skips.
 * Nothing is in flight when the consumer rebalances: a batch completes before the next poll.
 *
 * <p>The consumer belongs to the bridge's thread only. {@link #close()} lets the batch in flight
 * finish and commit, so the next owner starts where this node stopped, then wakes the consumer.
 */
final class KafkaBridge implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KafkaBridge.class.getName());

  /** How long a poll waits for records: also how soon a pause or a stop is noticed. */
  private static final Duration POLL = Duration.ofMillis(200);

  /** A batch's publications that have not completed in this time are retried from their offset. */
  private static final long PUBLISH_TIMEOUT_SECONDS = 30;

  /** How long consumption pauses after a failed publish before it reads the records again. */
  private static final long RETRY_PAUSE_MS = 1_000;

  /**
   * How long {@link #close()} lets a batch in flight finish before it wakes the consumer: a batch
   * normally completes in milliseconds, and the whole node stop is bounded by shutdown.timeout.
   */
  private static final long CLOSE_FINISH_MS = 3_000;

  private final KafkaBridgeSettings settings;
  private final Hub hub;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final @Nullable KafkaProducer<byte[], byte[]> deadLetters;
  private final CommandDecoder decoder = new CommandDecoder();
  private final BridgeCounters counters;
  private final ConsumerLag lag;
  private final Thread thread;
  private volatile boolean running = true;

  /** Offsets dealt with whose commit failed; the bridge's thread only. */
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

  KafkaBridge(KafkaBridgeSettings settings, Hub hub) {
    this.settings = settings;
    this.hub = hub;
    this.consumer = new KafkaConsumer<>(KafkaClients.consumer(settings));
    this.counters = new BridgeCounters(settings.name(), BridgeCounters.Type.KAFKA);
    this.lag = new ConsumerLag(consumer);
    counters.measureLag(lag);
    this.deadLetters =
        settings.deadLetterTopic().isPresent()
            ? new KafkaProducer<>(KafkaClients.producer(settings))
            : null;
    this.thread = new Thread(this::run, "switchboard-kafka-" + settings.name());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  BridgeCounters counters() {
    return counters;
  }

  private void run() {
    try {
      if (settings.topicPattern().isPresent()) {
        consumer.subscribe(settings.topicPattern().get(), new Rebalance());
      } else {
        consumer.subscribe(settings.topics(), new Rebalance());
      }
      long pausedUntil = 0;
      while (running) {
        if (!hub.isReady() || System.currentTimeMillis() < pausedUntil) {
          counters.state("paused");
          consumer.pause(consumer.assignment());
          // Keeps the group membership. Paused partitions return nothing, but a partition
          // assigned during this poll is not paused yet: its records are put back.
          unread(consumer.poll(POLL));
          lag.measure(true);
          continue;
        }
        counters.state("running");
        consumer.resume(consumer.paused());
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        lag.measure(false);
        if (!records.isEmpty() && !deliver(records)) {
          counters.retried.increment();
          pausedUntil = System.currentTimeMillis() + RETRY_PAUSE_MS;
        }
      }
      counters.state("stopped");
    } catch (WakeupException e) {
      counters.state("stopped");
    } catch (RuntimeException e) {
      counters.state("failed");
      LOG.log(System.Logger.Level.ERROR, "kafka bridge " + settings.name() + " stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
      if (deadLetters != null) {
        deadLetters.close(Duration.ofSeconds(5));
      }
    }
  }

  /** Seeks each partition of {@code records} back to its first record, to read them again. */
  private void unread(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      if (!list.isEmpty()) {
        consumer.seek(tp, list.get(0).offset());
      }
    }
  }

  /**
   * Publishes the batch, commits each partition up to its last record dealt with, and seeks a
   * partition back to its first record that failed. Returns false when one failed.
   */
  private boolean deliver(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, List<Pending>> batch = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<Pending> pending = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        counters.consumed.increment();
        pending.add(new Pending(r.offset(), handle(r)));
      }
      batch.put(tp, pending);
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    boolean allDone = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PUBLISH_TIMEOUT_SECONDS);
    for (Map.Entry<TopicPartition, List<Pending>> e : batch.entrySet()) {
      long next = -1;
      for (Pending p : e.getValue()) {
        if (!await(p.done(), deadline)) {
          consumer.seek(e.getKey(), p.offset());
          allDone = false;
          break;
        }
        next = p.offset() + 1;
      }
      if (next >= 0) {
        commit.put(e.getKey(), new OffsetAndMetadata(next));
      }
    }
    commit(commit);
    return allDone;
  }

  /** Commits {@code offsets} and any kept from a failed commit; keeps them all when it fails. */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    uncommitted.putAll(offsets);
    if (!uncommitted.isEmpty() && tryCommit(uncommitted)) {
      uncommitted.clear();
    }
  }

  /** Commits {@code offsets}; false (logged) when the group or Kafka refused or did not answer. */
  private boolean tryCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
      return true;
    } catch (RebalanceInProgressException
        | CommitFailedException
        | org.apache.kafka.common.errors.TimeoutException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "kafka bridge {0}: commit of {1} failed: {2}",
          settings.name(),
          offsets,
          e.toString());
      return false;
    }
  }

  private static boolean await(CompletableFuture<Void> done, long deadline) {
    try {
      done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Publishes one record; the stage completes when it was published, was a repeat, or was malformed
   * and counted (and dead-lettered); it fails when the record must be read again.
   */
  private CompletableFuture<Void> handle(ConsumerRecord<byte[], byte[]> r) {
    String channel = settings.channel().channelOf(r);
    if (channel == null || ChannelName.problem(channel) != null) {
      return malformed(r, "no_channel", "no valid channel (" + channel + ")");
    }
    Payload payload;
    try {
      byte[] value = r.value() == null ? new byte[0] : r.value();
      payload =
          settings.binary()
              ? new Payload.Binary(value)
              : decoder.decodeData(new String(value, StandardCharsets.UTF_8));
      hub.checkSize(channel, payload);
    } catch (ProtocolException e) {
      return malformed(r, kind(e.code()), e.getMessage());
    }
    return hub.publish(channel, payload, key(r), null)
        .toCompletableFuture()
        .handle(
            (result, failure) -> {
              if (failure == null) {
                (result.repeated() ? counters.duplicates : counters.published).increment();
                return CompletableFuture.<Void>completedFuture(null);
              }
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              if (cause instanceof ProtocolException p
                  && p.code() != ErrorCode.UNAVAILABLE
                  && p.code() != ErrorCode.INTERNAL) {
                return malformed(r, kind(p.code()), p.getMessage());
              }
              return CompletableFuture.<Void>failedFuture(cause);
            })
        .thenCompose(f -> f);
  }

  private static String kind(ErrorCode code) {
    return switch (code) {
      case MALFORMED -> "bad_json";
      case TOO_LARGE -> "oversized";
      case BAD_CHANNEL -> "no_channel";
      default -> "refused";
    };
  }

  private CompletableFuture<Void> malformed(
      ConsumerRecord<byte[], byte[]> r, String kind, @Nullable String why) {
    if (counters.malformed(kind)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "kafka bridge {0}: malformed record ({1}) at {2}-{3}@{4}: {5}; further ones of this"
              + " kind are only counted",
          settings.name(),
          kind,
          r.topic(),
          r.partition(),
          r.offset(),
          why);
    }
    if (deadLetters == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> sent = new CompletableFuture<>();
    ProducerRecord<byte[], byte[]> copy =
        new ProducerRecord<>(settings.deadLetterTopic().orElseThrow(), r.key(), r.value());
    r.headers().forEach(h -> copy.headers().add(h));
    copy.headers().add("switchboard.malformed", kind.getBytes(StandardCharsets.UTF_8));
    copy.headers().add("switchboard.source", source(r).getBytes(StandardCharsets.UTF_8));
    deadLetters.send(
        copy,
        (meta, e) -> {
          if (e == null) {
            counters.deadLettered.increment();
            sent.complete(null);
          } else {
            sent.completeExceptionally(e);
          }
        });
    return sent;
  }

  private static String source(ConsumerRecord<byte[], byte[]> r) {
    return r.topic() + ":" + r.partition() + ":" + r.offset();
  }

  /** {@code kafka:<topic>:<partition>:<offset>}; a topic too long for 128 characters is hashed. */
  static String key(ConsumerRecord<byte[], byte[]> r) {
    String key = "kafka:" + source(r);
    if (key.length() <= CommandDecoder.MAX_IDEMPOTENCY_KEY) {
      return key;
    }
    return "kafka:#"
        + Integer.toHexString(r.topic().hashCode())
        + r.topic().length()
        + ":"
        + r.partition()
        + ":"
        + r.offset();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(CLOSE_FINISH_MS);
      consumer.wakeup();
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Pending(long offset, CompletableFuture<Void> done) {}

  /**
   * Commits what a partition leaving this node still owes, so that its next owner starts after it;
   * forgets what a lost partition owed (the group moved on without this node). Called by the
   * consumer within poll, on the bridge's thread.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> owed = new HashMap<>(uncommitted);
      owed.keySet().retainAll(partitions);
      uncommitted.keySet().removeAll(partitions);
      if (!owed.isEmpty()) {
        tryCommit(owed);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      uncommitted.keySet().removeAll(partitions);
    }
  }
}
