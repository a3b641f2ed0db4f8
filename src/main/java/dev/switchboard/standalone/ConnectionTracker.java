package dev.switchboard.standalone;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.jspecify.annotations.Nullable;

/**
 * Knows every open TCP connection of the listener and its {@link State}:
 *
 * <ul>
 *   <li>closes connections that do not complete an HTTP request within the handshake timeout
 *       (slowloris; also the keep-alive timeout of plain HTTP connections);
 *   <li>releases a WebSocket connection's admission when it closes;
 *   <li>holds a close Switchboard asks for while Tyrus is still upgrading the connection until the
 *       upgrade is done ({@link State#whenUpgraded});
 *   <li>at stop, lets each connection flush what is queued (the 1001 close frames above all):
 *       Grizzly's graceful {@code close()} writes out the pending queue first, {@code shutdownNow}
 *       does not.
 * </ul>
 */
final class ConnectionTracker extends BaseFilter implements AddOn, AutoCloseable {
  /** What the guards know of one connection. */
  static final class State {
    /** The TCP peer's address. */
    final String ip;

    /**
     * The address the admitted handshake counted against ({@link Admission#clientAddress}); written
     * by the read thread before {@link #frames}, read after seeing {@link #frames} set.
     */
    String admittedAs;

    /** Until when the connection may take to send a complete request; ignored once upgraded. */
    volatile long deadlineNanos;

    /**
     * When the connection began waiting for its current request: its accept, or the end of its
     * previous request. A refused handshake's duration in the access log counts from here.
     */
    volatile long requestStartNanos;

    /** Set once the WebSocket handshake was admitted; then frames are guarded, not the clock. */
    volatile @Nullable FrameGuard frames;

    /**
     * An event stream ({@code GET /sse}) is being served: a response that lasts, exempt from the
     * request deadline while it does; the hub's pings bound its idle time instead.
     */
    volatile boolean streaming;

    /**
     * Reads go straight to Tyrus ({@link UpgradedReads}), past the HTTP codec; set by the read
     * thread once Tyrus has finished the upgrade.
     */
    volatile boolean direct;

    /** The handshake's parsed headers were released; touched by the read thread only. */
    boolean slimmed;

    /** Tyrus has finished upgrading the connection; written under this, read without. */
    private volatile boolean upgraded;

    /** A close asked for before {@link #upgraded}; guarded by this. */
    private @Nullable Runnable closeAfterUpgrade;

    State(String ip, long nowNanos, long deadlineNanos) {
      this.ip = ip;
      this.admittedAs = ip;
      this.requestStartNanos = nowNanos;
      this.deadlineNanos = deadlineNanos;
    }

    /**
     * Runs {@code close} now, or as soon as Tyrus has finished upgrading the connection if it has
     * not yet. Tyrus opens the session (onOpen) before it has set up its own state for the
     * connection; a close on another thread in between makes its close handling fail (see {@link
     * HandshakeFilter#handleClose}). Only the first close waiting is kept: closes are idempotent.
     */
    void whenUpgraded(Runnable close) {
      if (!upgraded) {
        synchronized (this) {
          if (!upgraded) {
            if (closeAfterUpgrade == null) {
              closeAfterUpgrade = close;
            }
            return;
          }
        }
      }
      close.run();
    }

    /** Tyrus has finished upgrading the connection: runs a close that waited for that. */
    void upgradeFinished() {
      Runnable close;
      synchronized (this) {
        if (upgraded) {
          return;
        }
        upgraded = true;
        close = closeAfterUpgrade;
        closeAfterUpgrade = null;
      }
      if (close != null) {
        close.run();
      }
    }

    boolean upgraded() {
      return upgraded;
    }
  }

  /** Longest time between two sweeps for expired deadlines. */
  private static final long MAX_SWEEP_MILLIS = 250;

  /**
   * How long the server may take to answer a complete request before the connection counts as
   * stalled again (at least the handshake timeout): the API answers asynchronously, so a read
   * finishing says nothing about the answer, and the end of the answer is seen only when its last
   * bytes are written ({@link #requestCompleted}). Generous, it only bounds a connection whose
   * answer was somehow never seen to end.
   */
  private static final long ANSWER_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Map<Connection<?>, State> open = new ConcurrentHashMap<>();
  private final long handshakeTimeoutNanos;

  /** SO_SNDBUF for accepted connections, 0 to leave the kernel's automatic sizing. */
  private final int sendBuffer;

  private final Admission admission;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanoTime;

  ConnectionTracker(Duration handshakeTimeout, int sendBuffer, Admission admission) {
    this(handshakeTimeout, sendBuffer, admission, System::nanoTime);
  }

  /** As above, with the clock deadlines are read from ({@code System::nanoTime}, or a test's). */
  ConnectionTracker(
      Duration handshakeTimeout, int sendBuffer, Admission admission, LongSupplier nanoTime) {
    this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
    this.sendBuffer = sendBuffer;
    this.admission = admission;
    this.nanoTime = nanoTime;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "switchboard-handshake-timer");
              t.setDaemon(true);
              return t;
            });
    // A connection outlives its deadline by up to one period: a quarter of a second at most (it was
    // a second, so silent connections lived up to 11 s under the default 10 s timeout). A sweep
    // reads one volatile field per open connection, so even 19,000 of them cost little.
    long period = Math.max(50, Math.min(MAX_SWEEP_MILLIS, handshakeTimeout.toMillis() / 10));
    timer.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void setup(NetworkListener listener, FilterChainBuilder builder) {
    builder.add(builder.indexOfType(TransportFilter.class) + 1, this);
  }

  @Override
  public NextAction handleAccept(FilterChainContext ctx) throws IOException {
    Connection<?> c = ctx.getConnection();
    String ip =
        c.getPeerAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?";
    long now = nanoTime.getAsLong();
    open.put(c, new State(ip, now, now + handshakeTimeoutNanos));
    limitSendBuffer(c);
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleClose(FilterChainContext ctx) throws IOException {
    State s = open.remove(ctx.getConnection());
    if (s != null && s.frames != null) {
      admission.release(s.admittedAs);
    }
    return ctx.getInvokeAction();
  }

  /** The state of {@code c}, or null for a connection this tracker did not see accepted. */
  @Nullable State state(Connection<?> c) {
    return open.get(c);
  }

  /** Open connections whose reads go straight to Tyrus ({@link UpgradedReads}). */
  long directReads() {
    return open.values().stream().filter(s -> s.direct).count();
  }

  /** TCP connections open now. */
  int openCount() {
    return open.size();
  }

  /** The open connections that were admitted as WebSockets, for tests that look inside them. */
  List<Connection<?>> webSockets() {
    return open.entrySet().stream()
        .filter(e -> e.getValue().frames != null)
        .<Connection<?>>map(Map.Entry::getKey)
        .toList();
  }

  /**
   * A complete HTTP request arrived: while the server answers it, the connection's deadline is
   * {@link #ANSWER_LIMIT_NANOS} away, so a slow answer on a loaded node is not cut off.
   */
  void requestReceived(Connection<?> c) {
    State s = open.get(c);
    if (s != null) {
      s.deadlineNanos = nanoTime.getAsLong() + Math.max(handshakeTimeoutNanos, ANSWER_LIMIT_NANOS);
    }
  }

  /**
   * The answer to a request was written whole: the connection gets a fresh timeout for the next
   * request.
   */
  void requestCompleted(Connection<?> c) {
    State s = open.get(c);
    if (s != null) {
      long now = nanoTime.getAsLong();
      s.requestStartNanos = now;
      s.deadlineNanos = now + handshakeTimeoutNanos;
    }
  }

  /** Closes the connections past their deadline; run by the timer, and by tests. */
  void expire() {
    long now = nanoTime.getAsLong();
    for (Map.Entry<Connection<?>, State> e : open.entrySet()) {
      State s = e.getValue();
      if (s.frames == null && !s.streaming && now - s.deadlineNanos > 0) {
        e.getKey().closeSilently();
      }
    }
  }

  /** Closes every connection after its queued writes, waiting until {@code deadlineNanos}. */
  void closeGracefully(long deadlineNanos) {
    List<Connection<?>> connections = List.copyOf(open.keySet());
    connections.forEach(Connection::close);
    for (Connection<?> c : connections) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        c.closeFuture().get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        return; // shutdownNow follows and ends what is left
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /**
   * Fixes the connection's kernel send buffer. Left to itself, Linux grows the buffer of a
   * connection whose peer stops reading up to {@code net.ipv4.tcp_wmem}'s maximum (4 MiB): a couple
   * of thousand stalled readers then pin gigabytes of the kernel's TCP memory, the kernel enters
   * memory pressure for every socket, and copying into those buffers costs the fan-out seconds of
   * CPU before the outbox can tell that they are stalled.
   */
  private void limitSendBuffer(Connection<?> c) {
    if (sendBuffer > 0
        && c instanceof org.glassfish.grizzly.nio.transport.TCPNIOConnection tcp
        && tcp.getChannel() instanceof java.nio.channels.SocketChannel channel) {
      try {
        channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, sendBuffer);
      } catch (IOException e) {
        // The connection is going away; nothing to size.
      }
    }
  }
}
