package dev.switchboard.hub;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.Publication;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One connection's subscription to one channel, and the ordering rules of its delivery.
 *
 * <p>A subscription starts <em>pending</em>: it is registered for live delivery at once, but what
 * arrives is buffered until the subscribe reply is out. {@link #activate} then queues, in this
 * order, the reply, the recovered backlog and the buffered frames, dropping every publication whose
 * offset was already queued. So a recovering client gets each publication after its position once,
 * in order, before the live ones, also while publishers keep publishing.
 *
 * <p>Gap-free or told: in a channel with history the next frame queued must carry the next offset
 * of the same epoch. A publication that skips offsets (the node missed some, e.g. while its Redis
 * Pub/Sub link was down) or carries another epoch (the history was lost and offsets started again)
 * is never queued: the connection is closed with 4004 instead, so the client reconnects and
 * recovers from the last offset it really received, or learns {@code recovered:false}. Queuing it
 * would be a silent gap; dropping a new epoch's low offsets as "already queued" would be a silent
 * loss.
 *
 * <p>Thread-safe: deliveries come from broker threads, activation from whichever thread completed
 * the history read, cancellation from the connection's reader. Frames are only queued under {@code
 * lock}; sending starts after it is released.
 */
final class Subscription {
  private enum State {
    PENDING,
    ACTIVE,
    CANCELLED
  }

  /** A frame that arrived while pending, with its offset (0 for none) and epoch (null for none). */
  private record Buffered(long offset, @Nullable String epoch, OutFrame frame) {}

  /** The channel, or the pattern ({@code orders:*}) of a pattern subscription. */
  final String channel;

  /** A pattern subscription: live only, fed by every matching channel, no offsets kept. */
  final boolean pattern;

  final NamespaceOptions options;

  /** How this subscriber appears in presence and join/leave. */
  final ClientInfo client;

  private final ClientConnection connection;

  private final Object lock = new Object();

  /** Guarded by {@code lock}. */
  private State state = State.PENDING;

  /** Frames delivered while pending. Guarded by {@code lock}. */
  private @Nullable List<Buffered> buffer = new ArrayList<>();

  /** Bytes in {@code buffer}, bounded like the outbox. Guarded by {@code lock}. */
  private long bufferedBytes;

  /**
   * The highest offset queued for the client; later deliveries at or below it are dropped, and the
   * next one must be exactly one more. Guarded by {@code lock}.
   */
  private long lastOffset;

  /**
   * The epoch of {@code lastOffset}: the channel's epoch when the history was read at activation;
   * null while pending and in channels without history (no offsets to check). Guarded by {@code
   * lock}.
   */
  private @Nullable String epoch;

  /** Whether presence and join were announced. Guarded by {@code lock}. */
  private boolean announced;

  /**
   * The push that ends a subscription revoked while pending, queued by {@link #activate} right
   * after the subscribe reply (the client must not hear of the end before the start). Guarded by
   * {@code lock}.
   */
  private @Nullable OutFrame endNotice;

  Subscription(
      String channel,
      boolean pattern,
      NamespaceOptions options,
      ClientConnection connection,
      ClientInfo client) {
    this.channel = channel;
    this.pattern = pattern;
    this.options = options;
    this.connection = connection;
    this.client = client;
  }

  ClientConnection connection() {
    return connection;
  }

  /**
   * Queues a live publication (or a join/leave event when {@code offset} is 0) for this subscriber
   * without starting a write. A publication that would leave a gap closes the connection with 4004
   * instead (see the class comment); the close happens after the lock is released.
   *
   * @param epoch the publication's epoch; null for events and channels without history
   * @return the outbox's answer, or null when the frame was buffered (pending) or dropped as
   *     already queued, cancelled or after a gap: nothing for the caller to do
   */
  Outbox.@Nullable Offer deliver(long offset, @Nullable String epoch, OutFrame frame) {
    String gap;
    synchronized (lock) {
      switch (state) {
        case CANCELLED:
          return null;
        case PENDING:
          bufferedBytes += frame.size();
          if (bufferedBytes > connection.outboxLimit()) {
            return Outbox.Offer.OVERFLOW;
          }
          Objects.requireNonNull(buffer, "a pending subscription buffers")
              .add(new Buffered(offset, epoch, frame));
          return null;
        default:
          gap = gap(offset, epoch);
          if (gap == null) {
            if (offset > 0 && offset <= lastOffset) {
              return null; // already queued from the recovered backlog
            }
            lastOffset = Math.max(lastOffset, offset);
            return connection.enqueue(frame, false);
          }
          state = State.CANCELLED; // nothing more is queued for a subscriber about to recover
          buffer = null;
      }
    }
    connection.missed(channel, gap);
    return null;
  }

  /**
   * Why queuing a publication at {@code offset} of {@code epoch} next would leave a gap, or null
   * when it would not (the next offset, an offset already queued, or no offsets at all).
   */
  private @Nullable String gap(long offset, @Nullable String epoch) {
    if (offset <= 0 || this.epoch == null || epoch == null) {
      return null;
    }
    if (!epoch.equals(this.epoch)) {
      return "epoch changed from " + this.epoch + " to " + epoch + " at offset " + offset;
    }
    if (offset > lastOffset + 1) {
      return "offset " + offset + " arrived after " + lastOffset;
    }
    return null;
  }

  /**
   * Goes live: queues {@code reply}, then {@code backlog} (exempt from the outbox limit: it is
   * bounded by the history size), then what was buffered, skipping offsets at or below {@code
   * startAfter} or the backlog's last. A buffered publication that would leave a gap closes the
   * connection with 4004 instead.
   *
   * @param epoch the channel's epoch when {@code startAfter} was read; null without history
   * @return false when the subscription was cancelled meanwhile (only the reply was queued) or
   *     closed for a gap
   */
  boolean activate(
      @Nullable OutFrame reply,
      List<Publication> backlog,
      long startAfter,
      @Nullable String epoch,
      Hub hub) {
    Outbox.Offer result = Outbox.Offer.QUEUED;
    boolean live;
    String gap = null;
    synchronized (lock) {
      if (reply != null) {
        result = worst(result, connection.enqueue(reply, true));
      }
      if (endNotice != null) {
        result = worst(result, connection.enqueue(endNotice, true));
        endNotice = null;
      }
      live = state == State.PENDING;
      if (live) {
        lastOffset = startAfter;
        this.epoch = epoch;
        for (Publication p : backlog) {
          if (p.offset() > lastOffset) {
            result = worst(result, connection.enqueue(hub.encode(p), true));
            lastOffset = p.offset();
          }
        }
        for (Buffered b : Objects.requireNonNull(buffer, "a pending subscription buffers")) {
          gap = gap(b.offset(), b.epoch());
          if (gap != null) {
            break;
          }
          if (b.offset() > 0) {
            if (b.offset() <= lastOffset) {
              continue;
            }
            lastOffset = b.offset();
          }
          result = worst(result, connection.enqueue(b.frame(), false));
        }
        state = gap == null ? State.ACTIVE : State.CANCELLED;
      }
      buffer = null;
      bufferedBytes = 0;
    }
    if (gap != null) {
      connection.missed(channel, gap);
      return false;
    }
    connection.afterEnqueue(result);
    return live;
  }

  /**
   * Records that presence and join were announced.
   *
   * @return false when the subscription was cancelled before: the caller takes them back
   */
  boolean markAnnounced() {
    synchronized (lock) {
      announced = true;
      return state != State.CANCELLED;
    }
  }

  /**
   * Ends the subscription: nothing is delivered from now on.
   *
   * @return whether presence and join had been announced, so the caller takes them back
   */
  boolean cancel() {
    synchronized (lock) {
      state = State.CANCELLED;
      buffer = null;
      return announced;
    }
  }

  /**
   * Ends the subscription because the connection may no longer hold it, and tells the client with
   * {@code notice}: queued now when live, right after the subscribe reply when still pending. The
   * notice is queued under the lock that also stops deliveries, so nothing for this subscription
   * can follow it.
   *
   * @return whether presence and join had been announced, so the caller takes them back
   */
  boolean revoke(OutFrame notice) {
    Outbox.Offer result = null;
    boolean wasAnnounced;
    synchronized (lock) {
      switch (state) {
        case ACTIVE -> result = connection.enqueue(notice, false);
        case PENDING -> endNotice = notice;
        case CANCELLED -> {} // already ended: the client heard of it some other way
      }
      state = State.CANCELLED;
      buffer = null;
      wasAnnounced = announced;
    }
    if (result != null) {
      connection.afterEnqueue(result);
    }
    return wasAnnounced;
  }

  private static Outbox.Offer worst(Outbox.Offer a, Outbox.Offer b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
