package dev.switchboard.engine.redis;

import dev.switchboard.engine.Publication;
import dev.switchboard.engine.StreamPosition;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One channel the node is subscribed to on Redis: the position in its stream up to which the node
 * handed publications to the hub, and the live messages held while a fill brings the node up to
 * that stream after a break of the Pub/Sub link (see {@link StreamFills}).
 *
 * <p>Who dispatches: while not holding, only the Pub/Sub connection's thread (live messages, in the
 * order Redis sent them); while holding, only the fill, on the link's single timer thread. Holding
 * starts when the link breaks, before any message of the new connection is read, and ends only on
 * the timer, under the lock, when nothing is held any more: so the handler's calls for the channel
 * never overlap and stay in offset order. The handler is never called under the lock.
 *
 * <p>Thread-safe: every field is guarded by {@code this}. Live delivery costs one uncontended lock
 * per message and allocates nothing more.
 */
final class ChannelStream {
  private static final System.Logger LOG = System.getLogger(ChannelStream.class.getName());

  private static final byte[] E = {'e'};
  private static final byte[] O = {'o'};

  /**
   * Before the first publication of whatever epoch the stream has when a fill reads it (a real
   * epoch is never empty).
   */
  static final StreamPosition ANY_EPOCH = new StreamPosition(0, "");

  /**
   * The most live messages held during one fill. A fill reads at most a few pages and takes
   * milliseconds; this many messages held means Redis answers so slowly, or the channel is so busy,
   * that holding more would only grow the heap: the rest are dropped and the channel's subscribers
   * are interrupted instead ({@link #overflowed}).
   */
  static final int HELD_LIMIT = 10_000;

  /** Whether live messages are held for a fill instead of dispatched. */
  private boolean holding;

  /** The break of the link the holding is for: only that break's fill ends it. */
  private long heldFor;

  /** Live messages held, in arrival order: {@link Publication}s and raw join/leave messages. */
  private @Nullable ArrayDeque<Object> held;

  /** Whether live messages were dropped because {@link #HELD_LIMIT} were held. */
  private boolean overflowed;

  /** The offset of the last publication dispatched, or the floor read after subscribing. */
  private long offset;

  /** The epoch of {@code offset}; null while the node knows no position in this stream. */
  private @Nullable String epoch;

  /**
   * A live message arrived on the Pub/Sub connection: true when it is to be dispatched now (its
   * position is recorded), false when a fill is in progress and it was held (or dropped, see {@link
   * #HELD_LIMIT}).
   *
   * @param message a {@link Publication}, or a raw join/leave message
   */
  synchronized boolean pass(Object message) {
    if (holding) {
      ArrayDeque<Object> h = held;
      if (h == null) {
        h = new ArrayDeque<>();
        held = h;
      }
      if (h.size() < HELD_LIMIT) {
        h.add(message);
      } else {
        overflowed = true;
      }
      return false;
    }
    if (message instanceof Publication p) {
      record(p);
    }
    return true;
  }

  /** The link broke (break {@code brk}): live messages are held until its fill releases them. */
  synchronized void hold(long brk) {
    holding = true;
    heldFor = brk;
  }

  synchronized boolean holding() {
    return holding;
  }

  /** The position up to which the node dispatched, or null when it knows none. */
  synchronized @Nullable StreamPosition position() {
    String e = epoch;
    return e == null ? null : new StreamPosition(offset, e);
  }

  /** The position read after subscribing; ignored once the node dispatched a publication. */
  synchronized void floor(StreamPosition position) {
    if (epoch == null) {
      offset = position.offset();
      epoch = position.epoch();
    }
  }

  /** A publication with an offset was dispatched: the node's position in the stream. */
  synchronized void record(Publication p) {
    if (p.hasOffset()) {
      offset = p.offset();
      epoch = p.epoch();
    }
  }

  /**
   * Whether a held publication is one the fill already dispatched: at or below the position, in its
   * epoch.
   */
  synchronized boolean covers(Publication p) {
    return p.hasOffset() && p.epoch().equals(epoch) && p.offset() <= offset;
  }

  /** Whether held messages were dropped during this fill; reset when the fill ends. */
  synchronized boolean overflowed() {
    return overflowed;
  }

  /**
   * The messages held so far, taken; or null when none are left, and then holding has ended (from
   * this moment the Pub/Sub thread dispatches again) unless the link broke again since break {@code
   * brk}, whose fill is ending: the next fill ends it.
   */
  synchronized @Nullable List<Object> takeHeld(long brk) {
    ArrayDeque<Object> h = held;
    if (h == null || h.isEmpty()) {
      if (heldFor == brk) {
        holding = false;
        held = null;
        overflowed = false;
      }
      return null;
    }
    List<Object> out = new ArrayList<>(h);
    h.clear();
    return out;
  }

  /**
   * Reads the position of {@code channel}'s stream once the node is subscribed to it, for a fill
   * after a break that comes before any publication was dispatched: a plain HMGET that writes
   * nothing (the HISTORY script would create a position, also for channels without history). A
   * channel without a position yet gets offset 0 of whatever epoch a fill then finds. Without an
   * answer the node knows no position, and a break interrupts the channel's subscribers.
   *
   * <p>Publications made between the subscription's confirmation and this read are at or below the
   * floor and come live; if the link breaks before they are read, the fill starts above them, and
   * the hub's gap check closes the subscribers that needed them (4004): told, not lost.
   */
  void readFloor(RedisLink link, String channel) {
    RedisLink.plain(link.async.hmget(link.key("m:", channel), E, O), "floor")
        .whenComplete(
            (kv, failure) -> {
              if (failure != null) {
                LOG.log(Level.DEBUG, () -> "no floor for " + channel + ": " + failure.getMessage());
              } else if (kv.get(0).hasValue() && kv.get(1).hasValue()) {
                floor(
                    new StreamPosition(
                        Long.parseLong(RedisFormat.string(kv.get(1).getValue())),
                        RedisFormat.string(kv.get(0).getValue())));
              } else {
                floor(ANY_EPOCH);
              }
            });
  }
}
