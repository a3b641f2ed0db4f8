package dev.switchboard.engine.memory;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The embedded single-node engine: publications go straight back to this node's hub, histories live
 * in this JVM's memory.
 *
 * <p>Ordering: a channel maps to one of {@value #STRIPES} {@link Sequencer}s. Offsets are assigned
 * and the publication enqueued in one atomic step per channel, and a sequencer is drained by one
 * thread at a time, so the handler sees a channel's publications in offset order, never in
 * parallel, and no lock is held while the hub fans out.
 *
 * <p>Memory: histories are bounded by size and TTL; a sweeper frees expired entries every {@link
 * #SWEEP_INTERVAL} and forgets a channel's position ({@link Streams}) once its {@code metaTtl}
 * passes without publications. Epochs are random per stream, so a restart (or a forgotten stream)
 * changes them and clients learn that recovery is impossible.
 */
public final class MemoryBroker implements Broker {
  /**
   * Number of sequencers. More than the cores of any machine this runs on, so unrelated channels
   * rarely wait for each other; a power of two so the stripe is a mask.
   */
  static final int STRIPES = 64;

  /** How often expired history entries and idempotency keys are freed. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  private final InstantSource clock;
  private final Streams streams;
  private final Map<IdempotencyKey, Remembered> idempotency = new ConcurrentHashMap<>();
  private final Sequencer[] sequencers = new Sequencer[STRIPES];
  private final boolean ownSweeper;
  private volatile @Nullable BrokerHandler handler;
  private volatile boolean closed;
  private @Nullable ScheduledExecutorService sweeper;

  /**
   * A broker on the system clock that sweeps by itself, every {@link #SWEEP_INTERVAL} once started.
   *
   * @param metaTtl how long a channel's position is remembered after its last publication
   */
  public MemoryBroker(Duration metaTtl) {
    this(InstantSource.system(), metaTtl, true);
  }

  /**
   * A broker that frees expired entries only when {@link #sweep} is called: what a test on a manual
   * clock wants, so that it decides when time has passed.
   *
   * @param clock the time source for TTLs
   * @param metaTtl how long a channel's position is remembered after its last publication
   */
  public static MemoryBroker sweptByCaller(InstantSource clock, Duration metaTtl) {
    return new MemoryBroker(clock, metaTtl, false);
  }

  private MemoryBroker(InstantSource clock, Duration metaTtl, boolean ownSweeper) {
    this.clock = clock;
    this.streams = new Streams(clock, metaTtl);
    this.ownSweeper = ownSweeper;
    for (int i = 0; i < STRIPES; i++) {
      sequencers[i] = new Sequencer();
    }
  }

  @Override
  public synchronized void start(BrokerHandler handler) {
    this.handler = Objects.requireNonNull(handler);
    if (ownSweeper && sweeper == null) {
      sweeper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "switchboard-memory-sweeper");
                t.setDaemon(true);
                return t;
              });
      long ms = SWEEP_INTERVAL.toMillis();
      sweeper.scheduleWithFixedDelay(this::sweep, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public CompletionStage<PublishResult> publish(
      String channel, Payload payload, PublishOptions options) {
    BrokerHandler h = handler;
    if (closed || h == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("memory engine is not running"));
    }
    Sequencer sequencer = sequencer(channel);
    PublishResult result =
        options.idempotencyKey() == null
            ? append(channel, payload, options, sequencer)
            : appendOnce(channel, payload, options, sequencer);
    sequencer.drain(h);
    return CompletableFuture.completedFuture(result);
  }

  private PublishResult appendOnce(
      String channel, Payload payload, PublishOptions options, Sequencer sequencer) {
    long now = clock.millis();
    PublishResult[] result = new PublishResult[1];
    idempotency.compute(
        // publish comes here only with a key
        new IdempotencyKey(channel, Objects.requireNonNull(options.idempotencyKey())),
        (key, earlier) -> {
          if (earlier != null && earlier.expiresAt() > now) {
            result[0] = earlier.result().asRepeat();
            return earlier;
          }
          result[0] = append(channel, payload, options, sequencer);
          return new Remembered(result[0], now + PublishOptions.IDEMPOTENCY_WINDOW.toMillis());
        });
    return result[0];
  }

  private PublishResult append(
      String channel, Payload payload, PublishOptions options, Sequencer sequencer) {
    if (!options.keepsHistory()) {
      sequencer.queue.add(
          new Sequencer.Published(new Publication(channel, payload, 0, "", options.trace())));
      return PublishResult.ACCEPTED;
    }
    Publication p =
        streams.append(
            channel, payload, options, pub -> sequencer.queue.add(new Sequencer.Published(pub)));
    return new PublishResult(p.offset(), p.epoch(), false);
  }

  @Override
  public CompletionStage<HistoryResult> history(String channel, HistoryQuery query) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("memory engine is not running"));
    }
    return CompletableFuture.completedFuture(streams.read(channel, query));
  }

  @Override
  public CompletionStage<Void> publishJoin(String channel, ClientInfo client) {
    return control(channel, new Sequencer.Joined(channel, client));
  }

  @Override
  public CompletionStage<Void> publishLeave(String channel, ClientInfo client) {
    return control(channel, new Sequencer.Left(channel, client));
  }

  /** This node is the only one: the handler gets {@code command} on the calling thread. */
  @Override
  public CompletionStage<Void> broadcast(NodeCommand command) {
    BrokerHandler h = handler;
    if (closed || h == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("memory engine is not running"));
    }
    h.onNodeCommand(command);
    return CompletableFuture.completedFuture(null);
  }

  private CompletionStage<Void> control(String channel, Sequencer.Event event) {
    BrokerHandler h = handler;
    if (closed || h == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("memory engine is not running"));
    }
    Sequencer s = sequencer(channel);
    s.queue.add(event);
    s.drain(h);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> subscribe(String channel) {
    return CompletableFuture.completedFuture(null); // every publication comes back to this node
  }

  @Override
  public CompletionStage<Void> unsubscribe(String channel) {
    return CompletableFuture.completedFuture(null);
  }

  /** Frees expired history entries, forgotten streams and expired idempotency keys. */
  public void sweep() {
    long now = clock.millis();
    streams.sweep();
    idempotency.values().removeIf(r -> r.expiresAt() <= now);
  }

  /** Channels whose position is remembered now (for tests and stats). */
  public int streamCount() {
    return streams.size();
  }

  /** History entries held now, over all channels (for tests and stats). */
  public long entryCount() {
    return streams.entries();
  }

  @Override
  public boolean isReady() {
    return !closed && handler != null;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Map<String, Object> stats() {
    return Map.of(
        "name",
        name(),
        "ready",
        isReady(),
        "streams",
        streamCount(),
        "history_entries",
        entryCount());
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  private Sequencer sequencer(String channel) {
    return sequencers[(channel.hashCode() * 0x9E3779B9 >>> 16) & (STRIPES - 1)];
  }

  private record IdempotencyKey(String channel, String key) {}

  private record Remembered(PublishResult result, long expiresAt) {}
}
