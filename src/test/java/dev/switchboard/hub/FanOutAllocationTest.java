package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.ManualExecutor;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the fan-out path allocates per delivery and per publication, counted by the JVM ({@code
 * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}): fails when a change makes
 * either grow past its budget ({@link #MAX_BYTES_PER_DELIVERY}, {@link #maxBytesPerPublication}).
 *
 * <p>The path measured is the production one: {@link Hub#publish} through the memory engine to the
 * channel's fan-out lane, each subscriber's {@link Outbox}, and the transport's write (a transport
 * that takes every frame's wire bytes and completes at once, like the JMH {@code NullTransport}).
 * The lane's rounds run on the test's thread (a {@link ManualExecutor} run after each publication,
 * or after every {@link Variant#perRound} of them), so everything allocated is allocated by this
 * thread, and what a round batches does not depend on timing: allocation counts do not depend on
 * the machine's speed, and nothing here reads a clock that moves (a manual clock, no sweeper, no
 * latency histogram).
 *
 * <p>Per delivery is the slope: a channel of {@value #SUBSCRIBERS} subscribers against one of a
 * single subscriber (the baseline, which carries every per-publication cost), the same number of
 * publications each. After a warm-up of {@value #WARM_UP_DELIVERIES} deliveries (so that the JIT
 * settled), {@value #BLOCKS} blocks of {@value #PUBLICATIONS_PER_BLOCK} publications are measured
 * on each and the cheapest block of each counts: a block during which the JIT still compiled
 * allocates more, never less.
 */
class FanOutAllocationTest {
  private static final int SUBSCRIBERS = 1000;
  private static final int WARM_UP_DELIVERIES = 200_000;
  private static final int PUBLICATIONS_PER_BLOCK = 250;

  /** 4 × 250 publications × 1,000 subscribers: 1 M deliveries measured. */
  private static final int BLOCKS = 4;

  /**
   * The budgets, in one place. Measured on 2026-12-02 (OpenJDK 17.0.15, G1, 2 shared cores; five
   * runs of this test alone and one in the whole suite): 0.00 B per delivery in every variant (the
   * spread: -0.01 to 0.01), and per publication what each {@link Variant} says (the highest).
   *
   * <p>A delivery allocates nothing: the frame is encoded once per publication and shared, the
   * outbox and the lane reuse their collections and the outbox its send callback. The budget is 8
   * B: half the smallest object (16 B), so one more object per delivery fails the test, and still
   * far above the per-publication noise amortised over 1,000 subscribers (under 0.1 B).
   */
  static final double MAX_BYTES_PER_DELIVERY = 8;

  /**
   * A publication's budget: what it measured plus 50 %, at least plus 256 B, which absorbs the
   * differences of C1, C2 and escape analysis between JVMs and between runs.
   */
  static double maxBytesPerPublication(Variant v) {
    return Math.max(v.measuredBytesPerPublication * 1.5, v.measuredBytesPerPublication + 256);
  }

  enum Variant {
    /** 64 B of JSON, no history, one publication per round. */
    TEXT(1, false, false, 824),
    /** The same in a namespace with history: offsets, epochs and the history kept. */
    HISTORY(1, true, false, 1192),
    /** A 64 B binary payload, without history. */
    BINARY(1, false, true, 760),
    /** 8 publications per round: each subscriber's frames leave as one batch. */
    BATCHED(8, false, false, 824),
    /**
     * No fan-out threads (hub.fanout-threads=0): fanned out and flushed on the publisher's thread.
     */
    INLINE(0, false, false, 800);

    /** Publications per lane round; 0 for no lanes at all. */
    final int perRound;

    final boolean history;
    final boolean binary;

    /** Bytes per publication measured on the date above (the highest of the runs). */
    final double measuredBytesPerPublication;

    Variant(int perRound, boolean history, boolean binary, double measuredBytesPerPublication) {
      this.perRound = perRound;
      this.history = history;
      this.binary = binary;
      this.measuredBytesPerPublication = measuredBytesPerPublication;
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @ParameterizedTest
  @EnumSource(Variant.class)
  void fanOutAllocatesNothingPerDeliveryAndAtMostTheBudgetPerPublication(Variant variant) {
    assumeTrue(
        THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
        "this JVM counts no allocation per thread");
    try (Rig many = new Rig(variant, SUBSCRIBERS);
        Rig one = new Rig(variant, 1)) {
      many.publish(WARM_UP_DELIVERIES / SUBSCRIBERS);
      one.publish(WARM_UP_DELIVERIES / SUBSCRIBERS);
      long[] manyBytes = new long[BLOCKS];
      long[] oneBytes = new long[BLOCKS];
      for (int b = 0; b < BLOCKS; b++) {
        manyBytes[b] = many.measure(PUBLICATIONS_PER_BLOCK);
        oneBytes[b] = one.measure(PUBLICATIONS_PER_BLOCK);
      }
      double perPublicationMany = (double) min(manyBytes) / PUBLICATIONS_PER_BLOCK;
      double perPublicationOne = (double) min(oneBytes) / PUBLICATIONS_PER_BLOCK;
      double perDelivery = (perPublicationMany - perPublicationOne) / (SUBSCRIBERS - 1);
      double perPublication = perPublicationOne - perDelivery;
      System.out.printf(
          "fan-out allocation %s: %.2f B/delivery, %.0f B/publication"
              + " (blocks of %d publications to %d subscribers: %s B; to 1: %s B)%n",
          variant,
          perDelivery,
          perPublication,
          PUBLICATIONS_PER_BLOCK,
          SUBSCRIBERS,
          Arrays.toString(manyBytes),
          Arrays.toString(oneBytes));
      assertThat(perDelivery)
          .as("bytes allocated per delivery (%s)", variant)
          .isLessThanOrEqualTo(MAX_BYTES_PER_DELIVERY);
      assertThat(perPublication)
          .as("bytes allocated per publication (%s)", variant)
          .isLessThanOrEqualTo(maxBytesPerPublication(variant));
    }
  }

  private static long min(long[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  /** A hub with one channel of {@code subscribers}, all on {@link Sink}s. */
  private static final class Rig implements AutoCloseable {
    private static final String NAMESPACE = "kept";

    private final Variant variant;
    private final ManualExecutor lanes = new ManualExecutor();
    private final Hub hub;
    private final String channel;
    private final Payload payload;
    private final List<Sink> sinks = new ArrayList<>();

    /** The last publish's result, checked after each block (so nothing is ignored). */
    private CompletionStage<PublishResult> last;

    Rig(Variant variant, int subscribers) {
      this.variant = variant;
      ManualClock clock = new ManualClock();
      NamespaceOptions kept =
          new NamespaceOptions(100, Duration.ofMinutes(5), false, false, true, 64 * 1024);
      HubOptions options =
          new HubOptions(
              1 << 20,
              16,
              new Namespaces(NamespaceOptions.plain(), Map.of(NAMESPACE, kept)),
              variant.perRound == 0 ? 0 : 1,
              ConnectionPolicy.open());
      hub =
          Hub.start(
              options,
              MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)),
              new MemoryPresenceStore(),
              clock,
              lanes);
      channel = variant.history ? NAMESPACE + ":bench" : "bench";
      payload =
          variant.binary
              ? new Payload.Binary(new byte[64])
              : new Payload.Json("\"" + "x".repeat(62) + "\"");
      for (int i = 0; i < subscribers; i++) {
        Sink sink = new Sink();
        sinks.add(sink);
        hub.open(sink).onText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\"}");
      }
      lanes.runAll();
      assertThat(hub.subscriberCount(channel)).isEqualTo(subscribers);
      last = java.util.concurrent.CompletableFuture.completedFuture(PublishResult.ACCEPTED);
    }

    /** Publishes {@code publications} and runs the lane's rounds as the variant says. */
    void publish(int publications) {
      for (int i = 1; i <= publications; i++) {
        last = hub.publish(channel, payload, null, null);
        if (variant.perRound > 0 && i % variant.perRound == 0) {
          lanes.runAll();
        }
      }
      lanes.runAll();
    }

    /** The bytes this thread allocated to publish and deliver {@code publications}. */
    long measure(int publications) {
      long framesBefore = frames();
      long start = THREADS.getCurrentThreadAllocatedBytes();
      long empty = THREADS.getCurrentThreadAllocatedBytes() - start; // the counter's own cost
      publish(publications);
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - start - 2 * empty;
      assertThat(last.toCompletableFuture().join()).isNotNull();
      assertThat(frames() - framesBefore)
          .as("frames written to the transports")
          .isEqualTo((long) publications * sinks.size());
      return allocated;
    }

    private long frames() {
      long total = 0;
      for (Sink s : sinks) {
        assertThat(s.closed).as("no subscriber closed").isNull();
        total += s.frames;
      }
      return total;
    }

    @Override
    public void close() {
      hub.close();
      lanes.runAll();
    }
  }

  /**
   * A socket that always has room: takes each frame's wire bytes (as the standalone transport does;
   * encoded once per frame and shared) and completes at once, on the calling thread.
   */
  private static final class Sink implements Transport {
    /** Frames written; read by the test's thread, which also writes them. */
    long frames;

    /** Wire bytes written, so that taking them is not optimised away. */
    long bytes;

    @Nullable CloseCode closed;

    @Override
    public void send(QueuedFrame frame, SendCallback done) {
      frames++;
      bytes += frame.wire().length;
      done.completed(null);
    }

    /** 64 KiB, as the standalone transport. */
    @Override
    public int maxBatchBytes() {
      return 64 * 1024;
    }

    @Override
    public void sendBatch(List<QueuedFrame> frames, SendCallback done) {
      for (int i = 0; i < frames.size(); i++) {
        this.frames++;
        bytes += frames.get(i).wire().length;
      }
      done.completed(null);
    }

    @Override
    public void ping() {}

    @Override
    public void close(CloseCode code, String reason) {
      if (closed == null) {
        closed = code;
      }
    }
  }
}
