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
 * the history read, cancellation from the connection's reader. Frames are only queued (into the
 * connection's outbox, given at construction) under {@code lock}; the subscription never calls back
 * into its connection: each method returns what happened, and the caller acts on it (starts the
 * send, closes the connection) after the lock is released.
 */
final class Subscription {
  private enum State {
    PENDING,
    ACTIVE,
    CANCELLED
  }

  /** A frame that arrived while pending, with its offset (0 for none) and epoch (null for none). */
  private record Buffered(long offset, @Nullable String epoch, QueuedFrame frame) {}

  /** What {@link #deliver} did with a frame; the caller acts on it outside the lock. */
  enum Delivery {
    /** Buffered (pending), or dropped as already queued or cancelled: nothing to do. */
    NONE(null),
    QUEUED(Outbox.Offer.QUEUED),
    /** The outbox (or the pending buffer) is over its limit: a slow consumer. */
    OVERFLOW(Outbox.Offer.OVERFLOW),
    /** The outbox is closed. */
    CLOSED(Outbox.Offer.CLOSED),
    /** Queuing it would leave a gap; {@link #gap()} says why. The connection must recover. */
    GAP(null);

    private final Outbox.@Nullable Offer offer;

    Delivery(Outbox.@Nullable Offer offer) {
      this.offer = offer;
    }

    /** The outbox's answer this stands for; null for NONE and GAP. */
    Outbox.@Nullable Offer offer() {
      return offer;
    }

    static Delivery of(Outbox.Offer offer) {
      return switch (offer) {
        case QUEUED -> QUEUED;
        case OVERFLOW -> OVERFLOW;
        case CLOSED -> CLOSED;
      };
    }
  }

  /**
   * What {@link #activate} did.
   *
   * @param queued the worst outcome of the frames queued, for the caller to act on
   * @param live whether the subscription went live (false: cancelled meanwhile, or a gap)
   * @param gap why a buffered publication would have left a gap, or null
   */
  record Activation(Outbox.Offer queued, boolean live, @Nullable String gap) {}

  /**
   * What {@link #revoke} did.
   *
   * @param announced whether presence and join had been announced, so the caller takes them back
   * @param queued the outcome of queuing the notice, or null when it was not queued now
   */
  record Revocation(boolean announced, Outbox.@Nullable Offer queued) {}

  /** The channel, or the pattern ({@code orders:*}) of a pattern subscription. */
  final String channel;

  /** A pattern subscription: live only, fed by every matching channel, no offsets kept. */
  final boolean pattern;

  /** Asked for traces ({@code "trace":true}): publications arrive with their trace context. */
  final boolean trace;

  final NamespaceOptions options;

  /** How this subscriber appears in presence and join/leave. */
  final ClientInfo client;

  /** The connection this subscription delivers to; {@link Deliveries} acts on it. */
  private final ClientConnection connection;

  /** The connection's outbox: frames are queued into it under {@code lock}, never sent. */
  private final Outbox outbox;

  /** The most bytes buffered while pending: the outbox's limit. */
  private final long bufferLimit;

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
   * Whether the application is told Subscribed; set only while not cancelled, so once cancelled it
   * no longer changes and says whether Unsubscribed is due. Guarded by {@code lock}.
   */
  private boolean told;

  /**
   * The push that ends a subscription revoked while pending, queued by {@link #activate} right
   * after the subscribe reply (the client must not hear of the end before the start). Guarded by
   * {@code lock}.
   */
  private @Nullable QueuedFrame endNotice;

  /** Why a delivery was refused as a gap; set once, under {@code lock}, before GAP is returned. */
  private volatile @Nullable String gap;

  /**
   * @param connection the connection it belongs to (the fan-out acts on it)
   * @param outbox that connection's outbox
   * @param bufferLimit the most bytes buffered while pending
   */
  Subscription(
      String channel,
      boolean pattern,
      boolean trace,
      NamespaceOptions options,
      ClientInfo client,
      ClientConnection connection,
      Outbox outbox,
      long bufferLimit) {
    this.channel = channel;
    this.pattern = pattern;
    this.trace = trace;
    this.options = options;
    this.client = client;
    this.connection = connection;
    this.outbox = outbox;
    this.bufferLimit = bufferLimit;
  }

  ClientConnection connection() {
    return connection;
  }

  /** Why the last delivery came to {@link Delivery#GAP}; null before one did. */
  @Nullable String gap() {
    return gap;
  }

  /**
   * Queues a live publication (or a join/leave event when {@code offset} is 0) for this subscriber
   * without starting a write. A publication that would leave a gap is not queued and ends the
   * subscription (see the class comment): {@link Delivery#GAP}, the caller closes the connection
   * with 4004.
   *
   * @param epoch the publication's epoch; null for events and channels without history
   */
  Delivery deliver(long offset, @Nullable String epoch, QueuedFrame frame) {
    synchronized (lock) {
      switch (state) {
        case CANCELLED:
          return Delivery.NONE;
        case PENDING:
          bufferedBytes += frame.size();
          if (bufferedBytes > bufferLimit) {
            return Delivery.OVERFLOW;
          }
          Objects.requireNonNull(buffer, "a pending subscription buffers")
              .add(new Buffered(offset, epoch, frame));
          return Delivery.NONE;
        default:
          String why = gap(offset, epoch);
          if (why == null) {
            if (offset > 0 && offset <= lastOffset) {
              return Delivery.NONE; // already queued from the recovered backlog
            }
            lastOffset = Math.max(lastOffset, offset);
            return Delivery.of(outbox.enqueue(frame, false));
          }
          gap = why;
          state = State.CANCELLED; // nothing more is queued for a subscriber about to recover
          buffer = null;
          return Delivery.GAP;
      }
    }
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
   * @param reply the subscribe reply; null when there is nothing to tell (no id, nothing to report)
   * @param epoch the channel's epoch when {@code startAfter} was read; null without history
   * @return not live when the subscription was cancelled meanwhile (only the reply was queued) or
   *     ended for a gap (the caller closes the connection with 4004); the caller starts the send
   */
  Activation activate(
      @Nullable QueuedFrame reply,
      List<Publication> backlog,
      long startAfter,
      @Nullable String epoch) {
    Outbox.Offer result = Outbox.Offer.QUEUED;
    boolean live;
    String gap = null;
    synchronized (lock) {
      if (reply != null) {
        result = worst(result, outbox.enqueue(reply, true));
      }
      if (endNotice != null) {
        result = worst(result, outbox.enqueue(endNotice, true));
        endNotice = null;
      }
      live = state == State.PENDING;
      if (live) {
        lastOffset = startAfter;
        this.epoch = epoch;
        for (Publication p : backlog) {
          if (p.offset() > lastOffset) {
            result = worst(result, outbox.enqueue(Deliveries.frameFor(connection, p, trace), true));
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
          result = worst(result, outbox.enqueue(b.frame(), false));
        }
        state = gap == null ? State.ACTIVE : State.CANCELLED;
        this.gap = gap;
      }
      buffer = null;
      bufferedBytes = 0;
    }
    return new Activation(result, live && gap == null, gap);
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
   * Records that the application is told Subscribed, before it is told.
   *
   * @return false when the subscription was cancelled before: the caller tells nothing
   */
  boolean markTold() {
    synchronized (lock) {
      if (state == State.CANCELLED) {
        return false;
      }
      told = true;
      return true;
    }
  }

  /** Whether the application is told Subscribed; fixed once cancelled (see {@link #markTold}). */
  boolean told() {
    synchronized (lock) {
      return told;
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
   * @return whether presence and join had been announced, and the notice's outcome if it was queued
   *     now; the caller acts on both
   */
  Revocation revoke(QueuedFrame notice) {
    Outbox.Offer result = null;
    boolean wasAnnounced;
    synchronized (lock) {
      switch (state) {
        case ACTIVE -> result = outbox.enqueue(notice, false);
        case PENDING -> endNotice = notice;
        case CANCELLED -> {} // already ended: the client heard of it some other way
      }
      state = State.CANCELLED;
      buffer = null;
      wasAnnounced = announced;
    }
    return new Revocation(wasAnnounced, result);
  }

  private static Outbox.Offer worst(Outbox.Offer a, Outbox.Offer b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
