package dev.switchboard.engine.redis;

import dev.switchboard.engine.BrokerHandler;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.StreamPosition;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Mends a break of the node's Pub/Sub link from the channels' histories, so that a blip of the link
 * does not close every subscriber of the node.
 *
 * <p>When the link breaks, every subscribed channel's {@link ChannelStream} starts holding live
 * messages. Once the link is back and Redis confirmed that the node is subscribed again to
 * everything it wants, each channel is <em>filled</em>: the stream is read (HISTORY script, {@link
 * #PAGE} entries a call) from the position up to which the node dispatched to the position Redis
 * reports at the first read, those publications are dispatched in offset order, then the held live
 * ones that follow them, and the channel goes back to direct dispatch. Over-delivering is harmless
 * (a subscriber drops offsets it already has); under-delivering is not, so a fill ends in an
 * interruption of the channel's subscribers ({@link BrokerHandler#onInterrupted(Collection,
 * String)}) whenever it cannot cover the gap: the channel keeps no history (only publications with
 * history have offsets), the stream no longer reaches the needed position, the node knew no
 * position in it yet, or its history could not be read within {@link #GIVE_UP_NANOS}. When the
 * epoch changed or the stream was trimmed past the node's position, what the stream has is
 * dispatched: each subscriber's gap check ({@code Subscription}) closes exactly those that missed
 * something with 4004. Pattern subscriptions have no offsets: their subscribers are interrupted.
 *
 * <p>Threading: a break is noted on the Pub/Sub connection's thread; every fill step runs on the
 * link's single timer thread, one after the other, so fills never overlap; a step of a fill for an
 * earlier break (or for a channel unsubscribed meanwhile) is abandoned.
 */
final class StreamFills {
  private static final System.Logger LOG = System.getLogger(StreamFills.class.getName());

  /**
   * Entries read by one history call of a fill. Redis runs a script alone: 500 entries of a few
   * hundred bytes keep one call well under a millisecond and its reply under a megabyte or so.
   */
  static final int PAGE = 500;

  /** The first wait before a failed fill read is made again; doubled each time. */
  static final long RETRY_FIRST_MILLIS = 50;

  /** The longest wait between fill reads that failed. */
  static final long RETRY_MAX_MILLIS = 1_000;

  /**
   * How long a fill keeps trying to read its channel's history before it interrupts the channel's
   * subscribers instead: live messages are held meanwhile, so this bounds their delay too.
   */
  static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final String REASON = "the link to Redis broke; publications may have been missed";

  private final RedisLink link;
  private final Map<String, ChannelStream> channelsLive;
  private final NavigableSet<String> patternsLive;
  private final ScriptCalls.Script historyScript;

  /** Subscribes the node again after a reconnect. */
  private final Resubscription resubscription;

  /** Runs a task on the timer; nothing once the link is released. */
  private final Executor onTimer;

  private volatile @Nullable BrokerHandler handler;
  private volatile @Nullable PubSubDeliveries deliveries;
  private volatile boolean closed;

  /**
   * From a break of the Pub/Sub link until the confirmed re-subscription that follows it: the node
   * misses publications and is not ready.
   */
  private volatile boolean lost;

  /** Breaks of the Pub/Sub link so far; work for an earlier break is abandoned. */
  private final AtomicLong breaks = new AtomicLong();

  private final LongAdder interruptions = new LongAdder();
  private final LongAdder fills = new LongAdder();
  private final LongAdder filled = new LongAdder();
  private final LongAdder channelsInterrupted = new LongAdder();

  StreamFills(
      RedisLink link,
      Set<String> wanted,
      Map<String, ChannelStream> channelsLive,
      NavigableSet<String> patternsLive,
      List<byte[]> ownChannels) {
    this.link = link;
    this.channelsLive = channelsLive;
    this.patternsLive = patternsLive;
    this.resubscription = new Resubscription(link, wanted, ownChannels);
    this.historyScript = link.scripts.script(Scripts.HISTORY);
    this.onTimer =
        task -> {
          try {
            link.timer.execute(task);
          } catch (RejectedExecutionException e) {
            // the link was released: nothing is mended any more
          }
        };
  }

  void start(BrokerHandler handler, PubSubDeliveries deliveries) {
    this.handler = handler;
    this.deliveries = deliveries;
  }

  void close() {
    closed = true;
  }

  /** Whether a break is not mended yet (not subscribed again). */
  boolean mending() {
    return lost;
  }

  /** The Pub/Sub link broke; called on its thread, before any message of the next connection. */
  void broke() {
    if (closed) {
      return;
    }
    long brk = breaks.incrementAndGet();
    lost = true;
    for (ChannelStream s : channelsLive.values()) {
      s.hold(brk);
    }
    LOG.log(Level.WARNING, "lost the Pub/Sub link to Redis; reconnecting");
  }

  /** The Pub/Sub connection is up again (TCP): subscribe again, then fill. */
  void reconnected() {
    if (lost && !closed) {
      long brk = breaks.get();
      LOG.log(
          Level.WARNING,
          "Pub/Sub link to Redis is back: subscribing again, then filling what was missed from"
              + " history");
      onTimer.execute(
          () -> resubscription.run(() -> closed || breaks.get() != brk, () -> resubscribed(brk)));
    }
  }

  void counters(Map<String, Object> m) {
    m.put("interruptions", interruptions.sum());
    m.put("fills", fills.sum());
    m.put("filled_publications", filled.sum());
    m.put("channels_interrupted", channelsInterrupted.sum());
  }

  /** Subscribed again after break {@code brk}, confirmed by Redis: fill. */
  private void resubscribed(long brk) {
    lost = false;
    interruptions.increment();
    onTimer.execute(() -> mend(brk));
  }

  /** Starts a fill for every channel held since break {@code brk}; interrupts what cannot be. */
  private void mend(long brk) {
    if (closed || breaks.get() != brk) {
      return;
    }
    List<String> cannot = new ArrayList<>(patternsLive);
    List<Fill> started = new ArrayList<>();
    for (Map.Entry<String, ChannelStream> e : channelsLive.entrySet()) {
      ChannelStream s = e.getValue();
      if (!s.holding()) {
        continue; // subscribed since the break: it missed nothing it had
      }
      StreamPosition from = s.position();
      if (from == null) {
        cannot.add(e.getKey()); // broke before the floor was read
      } else {
        started.add(new Fill(e.getKey(), s, brk, from));
      }
    }
    LOG.log(
        Level.WARNING,
        "subscribed again on Redis: filling "
            + started.size()
            + " channels from history; interrupting the subscribers of "
            + cannot.size()
            + " channels and patterns that cannot be filled");
    if (!cannot.isEmpty()) {
      interrupt(cannot, REASON);
      for (String c : cannot) {
        ChannelStream s = channelsLive.get(c);
        if (s != null) {
          release(c, s, brk);
        }
      }
    }
    started.forEach(this::read);
  }

  /** One channel's fill after one break. Confined to the timer thread. */
  private final class Fill {
    final String channel;
    final ChannelStream stream;
    final long brk;
    final long startedNanos = System.nanoTime();
    int failures;

    /** The position up to which the node dispatched. */
    StreamPosition cursor;

    /** The stream's position at the first read: the fill ends there; null before it. */
    @Nullable StreamPosition target;

    Fill(String channel, ChannelStream stream, long brk, StreamPosition from) {
      this.channel = channel;
      this.stream = stream;
      this.brk = brk;
      this.cursor = from;
    }

    boolean abandoned() {
      return closed || breaks.get() != brk || channelsLive.get(channel) != stream;
    }
  }

  private void read(Fill f) {
    byte[][] keys = {link.key("m:", f.channel), link.key("s:", f.channel)};
    byte[][] args = {
      RedisFormat.ascii(link.options.clock().millis()),
      RedisFormat.newEpoch(),
      RedisFormat.ascii(link.options.metaTtl().toMillis()),
      RedisFormat.ascii(f.cursor.offset()),
      RedisFormat.ascii(PAGE),
      RedisFormat.ascii(0)
    };
    CompletionStage<List<Object>> reply;
    try {
      reply = link.scripts.run(historyScript, keys, args);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenCompleteAsync((r, failure) -> step(f, r, failure), onTimer);
  }

  /** One page of a fill came back (or failed): dispatch it, then read on or end. */
  private void step(Fill f, @Nullable List<Object> r, @Nullable Throwable failure) {
    if (f.abandoned()) {
      return;
    }
    if (failure != null || r == null) {
      retry(f, failure);
      return;
    }
    String epoch = RedisFormat.string(r.get(0));
    StreamPosition target = f.target;
    if (target == null) {
      target = new StreamPosition((Long) r.get(1), epoch);
      f.target = target;
      boolean epochChanged = !f.cursor.epoch().isEmpty() && !epoch.equals(f.cursor.epoch());
      if ((Long) r.get(2) <= 0) {
        end(
            f,
            epochChanged
                ? "the channel's history was lost"
                : "the channel keeps no history; publications may have been missed");
        return;
      }
      if (epochChanged) {
        // The history was lost meanwhile: what the new epoch has is dispatched from its start,
        // and the first of it tells every subscriber of the old epoch (4004, recovered:false).
        f.cursor = new StreamPosition(0, epoch);
        read(f);
        return;
      }
      if (target.offset() < f.cursor.offset()) {
        // Same epoch, fewer publications (a failover to a replica that lacked the newest): the
        // offsets to come were delivered already and would be dropped as repeats.
        end(f, "the channel's history went back from offset " + f.cursor.offset());
        return;
      }
    } else if (!epoch.equals(target.epoch())) {
      end(f, "the channel's history was lost during the fill");
      return;
    }
    List<Publication> page = RedisFormat.history(f.channel, r, epoch);
    PubSubDeliveries d = java.util.Objects.requireNonNull(deliveries);
    for (Publication p : page) {
      if (p.offset() > target.offset()) {
        break; // live delivery has it (held)
      }
      d.deliver(f.channel, p);
      f.stream.record(p);
      filled.increment();
      f.cursor = new StreamPosition(p.offset(), epoch);
    }
    boolean reached = f.cursor.offset() >= target.offset();
    if (!reached && page.size() == PAGE) {
      read(f);
      return;
    }
    end(
        f,
        reached
            ? null
            : "the channel's history no longer reaches offset "
                + target.offset()
                + "; publications were missed");
  }

  private void retry(Fill f, @Nullable Throwable failure) {
    String why = failure == null ? "no reply" : RedisLink.rootMessage(failure);
    if (System.nanoTime() - f.startedNanos >= GIVE_UP_NANOS) {
      end(f, "the channel's history could not be read (" + why + ")");
      return;
    }
    long wait = Math.min(RETRY_FIRST_MILLIS << Math.min(f.failures, 10), RETRY_MAX_MILLIS);
    f.failures++;
    LOG.log(
        Level.DEBUG, () -> "reading " + f.channel + "'s history failed (" + why + "), retrying");
    schedule(
        () -> {
          if (!f.abandoned()) {
            read(f);
          }
        },
        wait);
  }

  /**
   * Ends a fill: interrupts the channel's subscribers when {@code interruption} says why the gap
   * cannot be covered, then dispatches what was held meanwhile.
   */
  private void end(Fill f, @Nullable String interruption) {
    if (interruption == null) {
      fills.increment();
    } else {
      interrupt(List.of(f.channel), interruption);
    }
    release(f.channel, f.stream, f.brk);
  }

  /**
   * Dispatches what {@code stream} held, except publications at or below the position the fill
   * reached, until nothing is held and live messages are dispatched directly again.
   */
  private void release(String channel, ChannelStream stream, long brk) {
    PubSubDeliveries d = java.util.Objects.requireNonNull(deliveries);
    boolean told = false;
    for (List<Object> held = stream.takeHeld(brk); held != null; held = stream.takeHeld(brk)) {
      if (!told && stream.overflowed()) {
        interrupt(List.of(channel), "too many live messages arrived during the fill");
        told = true;
      }
      for (Object m : held) {
        if (m instanceof Publication p) {
          if (stream.covers(p)) {
            continue;
          }
          stream.record(p);
        }
        d.deliver(channel, m);
      }
    }
  }

  private void interrupt(Collection<String> channelsOrPatterns, String reason) {
    channelsInterrupted.add(channelsOrPatterns.size());
    LOG.log(
        Level.WARNING,
        () -> "interrupting the subscribers of " + channelsOrPatterns + ": " + reason);
    try {
      java.util.Objects.requireNonNull(handler).onInterrupted(channelsOrPatterns, reason);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "interrupting " + channelsOrPatterns + " failed", e);
    }
  }

  private void schedule(Runnable task, long millis) {
    try {
      link.timer.schedule(task, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the link was released
    }
  }
}
