package dev.switchboard.sse;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.CloseCode;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A hub {@link Transport} over an event stream. The outbox keeps one send in flight; pings and the
 * close event may come at any time, so this keeps one write in flight on the stream and queues the
 * rest (at most the outbox's send, a ping and the close). Writes wait until {@link #begin} has
 * written the {@code open} event: the hub may queue replies while it registers the connection.
 */
final class SseTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(SseTransport.class.getName());

  /**
   * Bytes of queued frames one batch takes: 64 KiB is several TCP segments, enough to coalesce a
   * burst of small publications into one write, small enough not to hold up a ping behind it.
   */
  static final int MAX_BATCH_BYTES = 64 * 1024;

  private static final SendCallback IGNORE =
      failure -> {
        if (failure != null) {
          LOG.log(Level.DEBUG, () -> "event stream write failed: " + failure);
        }
      };

  private final EventStream stream;
  private final Positions positions;

  /** Writes waiting for the one in flight; guarded by this. */
  private final ArrayDeque<Write> queue = new ArrayDeque<>();

  /** A write is on the stream (or the open event is not written yet); guarded by this. */
  private boolean writing = true;

  /** The close event is queued; nothing is written after it. Guarded by this. */
  private @Nullable SentClose closed;

  private record Write(byte[][] chunks, SendCallback done) {}

  /** The stream request's headers forwarded to the application's decisions. */
  private final Map<String, String> forwarded;

  SseTransport(EventStream stream, Positions positions, Map<String, String> forwarded) {
    this.stream = stream;
    this.positions = positions;
    this.forwarded = Map.copyOf(forwarded);
  }

  @Override
  public Map<String, String> forwarded() {
    return forwarded;
  }

  /** Writes the {@code open} event, then whatever was queued meanwhile. */
  void begin(byte[] open) {
    stream.write(new byte[][] {open}, this::next);
  }

  @Override
  public void send(QueuedFrame frame, SendCallback done) {
    write(SseEvents.chunks(frame, positions.sent(frame)), done);
  }

  @Override
  public int maxBatchBytes() {
    return MAX_BATCH_BYTES;
  }

  @Override
  public void sendBatch(List<QueuedFrame> frames, SendCallback done) {
    List<byte[]> all = new ArrayList<>(frames.size() * 2);
    for (QueuedFrame f : frames) {
      all.addAll(List.of(SseEvents.chunks(f, positions.sent(f))));
    }
    write(all.toArray(new byte[0][]), done);
  }

  @Override
  public void ping() {
    write(new byte[][] {SseEvents.PING}, IGNORE);
  }

  @Override
  public void close(CloseCode code, String reason) {
    boolean stuck;
    synchronized (this) {
      if (closed != null) {
        return;
      }
      closed = new SentClose(code, reason);
      stuck =
          writing && (code.equals(CloseCode.SLOW_CONSUMER) || code.equals(CloseCode.SEND_TIMEOUT));
    }
    if (stuck) {
      // The write in flight is the one the client does not take: the close event would wait
      // behind it for ever. The client sees the stream end without it (1006) and reconnects.
      stream.abort();
      return;
    }
    enqueue(
        new Write(new byte[][] {SseEvents.close(code.code(), reason)}, failure -> stream.end()));
  }

  /** The close event queued, or null: for the access log. */
  @Override
  public synchronized @Nullable SentClose sentClose() {
    return closed;
  }

  private void write(byte[][] chunks, SendCallback done) {
    boolean late;
    synchronized (this) {
      late = closed != null;
    }
    if (late) {
      // The hub closes the outbox before the transport: only a ping can come this late.
      done.completed(null);
    } else {
      enqueue(new Write(chunks, done));
    }
  }

  private void enqueue(Write w) {
    synchronized (this) {
      if (writing) {
        queue.add(w);
        return;
      }
      writing = true;
    }
    start(w);
  }

  private void start(Write w) {
    stream.write(
        w.chunks(),
        failure -> {
          w.done().completed(failure);
          next(failure);
        });
  }

  /** The write in flight is done: starts the next one. */
  private void next(@Nullable Throwable failure) {
    if (failure != null) {
      stream.end();
    }
    Write w;
    synchronized (this) {
      w = queue.poll();
      if (w == null) {
        writing = false;
        return;
      }
    }
    start(w);
  }
}
