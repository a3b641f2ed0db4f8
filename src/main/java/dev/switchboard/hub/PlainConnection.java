package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection that speaks no hub protocol (the echo endpoint), held to the same {@link
 * ConnectionPolicy} as a {@link ClientConnection} minus authentication: the same liveness (a
 * silent one is pinged and closed with 4001 when nothing answers), swept with the hub's
 * connections and closed with them at shutdown. Its closes are counted like theirs, once each.
 *
 * <p>Threading: {@link #admit} is called by the connection's reader, one message at a time; the
 * hub's sweeper calls {@link #sweep}; {@link #close} and {@link #onClosed} may come from any
 * thread and only the first of them acts.
 */
public final class PlainConnection {
  private final Hub hub;
  private final Transport transport;
  private final Liveness liveness;
  private final AtomicBoolean closed = new AtomicBoolean();

  PlainConnection(Hub hub, Transport transport) {
    this.hub = hub;
    this.transport = transport;
    // No token to wait for and none to expire: only the ping and pong deadlines apply.
    this.liveness = new Liveness(System.nanoTime(), Identity.ANONYMOUS);
  }

  /**
   * A message of {@code size} arrived: the peer is alive.
   *
   * @return whether to serve it
   */
  public boolean admit(int size) {
    liveness.received(System.nanoTime());
    return true;
  }

  /** A pong arrived: the peer is alive. */
  public void onPong() {
    liveness.received(System.nanoTime());
  }

  /** Periodic check by the hub: pings a quiet peer, closes one that did not answer. */
  void sweep(long nowNanos, Instant now) {
    ConnectionPolicy policy = hub.options().policy();
    switch (liveness.check(nowNanos, now, policy)) {
      case NOTHING -> {}
      case PING -> transport.ping();
      default -> close(CloseCode.IDLE_TIMEOUT, "no pong within " + policy.pongTimeout().toSeconds() + " s");
    }
  }

  /** Closes the connection with {@code code} and counts it, unless it is already closed. */
  public void close(CloseCode code, String reason) {
    if (release()) {
      hub.metrics().close(code.code());
      transport.close(code, reason);
    }
  }

  /**
   * The transport is gone (closed by either side or failed).
   *
   * @return whether the connection was still open, that is whether this close was not one {@link
   *     #close} made (and counted)
   */
  public boolean onClosed() {
    return release();
  }

  public boolean isOpen() {
    return !closed.get();
  }

  private boolean release() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    hub.unregister(this);
    return true;
  }
}
