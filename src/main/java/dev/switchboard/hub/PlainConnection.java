package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A connection that speaks no hub protocol (the echo endpoint), held to the same {@link
 * ConnectionPolicy} as a {@link ClientConnection} minus authentication: the same rate limit (a
 * connection that keeps flooding is closed with 4002), the same liveness (a silent one is pinged
 * and closed with 4001 when nothing answers), the same bounded {@link Outbox} (a peer whose socket
 * stops taking replies is closed with 4000, a send that never completes with 4005), swept with the
 * hub's connections and closed with them at shutdown. Its closes are counted like theirs, once
 * each.
 *
 * <p>Threading: {@link #admit} is called by the connection's reader, one message at a time; the
 * hub's sweeper calls {@link #sweep}; {@link #close} and {@link #onClosed} may come from any thread
 * and only the first of them acts.
 */
public final class PlainConnection {
  /** Told of the connection's end. */
  private final Hub hub;

  private final HubParts parts;
  private final Transport transport;
  private final Outbox outbox;
  private final Liveness liveness;
  private final HubClock clock;

  /** Null when the policy sets no rate; only the reader thread uses it. */
  private final @Nullable RateLimiter rate;

  private final AtomicBoolean closed = new AtomicBoolean();

  PlainConnection(Hub hub, HubParts parts, Transport transport, long outboxMaxBytes) {
    this.hub = hub;
    this.parts = parts;
    this.clock = parts.clock();
    this.transport = transport;
    this.outbox = new Outbox(transport, outboxMaxBytes, failure -> onClosed(), clock::nanoTime);
    ConnectionPolicy policy = parts.options().policy();
    long now = clock.nanoTime();
    this.liveness = new Liveness(now);
    this.rate = RateLimiter.of(policy, now);
  }

  /**
   * A message of {@code size} arrived. Records activity and applies the rate limit.
   *
   * @return whether to serve it; false when it is over the rate (dropped and counted as error 114;
   *     there is no reply to carry an error) or the connection is being closed for flooding
   */
  public boolean admit(int size) {
    switch (RateLimiter.admit(rate, liveness, size, clock.nanoTime())) {
      case ALLOWED:
        return true;
      case REFUSED:
        parts.metrics().error(ErrorCode.RATE_LIMITED);
        return false;
      default:
        parts.metrics().error(ErrorCode.RATE_LIMITED);
        close(CloseCode.RATE_LIMITED, "kept sending over the rate limit");
        return false;
    }
  }

  /**
   * Sends {@code frame} through the outbox. A peer that stopped taking what is sent while more than
   * the outbox holds waits behind it is closed as a slow consumer; the frame is then dropped and
   * counted.
   */
  public void send(QueuedFrame frame) {
    switch (outbox.offer(frame)) {
      case QUEUED -> {}
      case OVERFLOW -> {
        parts.metrics().droppedFrames.increment();
        close(CloseCode.SLOW_CONSUMER, "replies are not being read");
      }
      case CLOSED -> parts.metrics().droppedFrames.increment();
    }
  }

  /** A pong arrived: the peer is alive. */
  public void onPong() {
    liveness.received(clock.nanoTime());
  }

  /**
   * Periodic check by the hub: closes a peer whose socket stopped taking replies or whose send
   * never completed, pings a quiet one, closes one that did not answer.
   */
  void sweep(long nowNanos, Instant now) {
    ConnectionPolicy policy = parts.options().policy();
    if (outbox.stalled(nowNanos)) {
      close(CloseCode.SLOW_CONSUMER, "replies are not being read");
      return;
    }
    if (outbox.sendOverdue(nowNanos, policy.sendTimeout().toNanos())) {
      parts.warnings().sendTimeout("a plain connection", policy.sendTimeout());
      close(
          CloseCode.SEND_TIMEOUT,
          "a send was not completed within " + policy.sendTimeout().toSeconds() + " s");
      return;
    }
    // No token to wait for and none to expire: only the ping and pong deadlines apply.
    switch (liveness.check(nowNanos, now, policy, Identity.ANONYMOUS)) {
      case NOTHING -> {}
      case PING -> transport.ping();
      default ->
          close(
              CloseCode.IDLE_TIMEOUT, "no pong within " + policy.pongTimeout().toSeconds() + " s");
    }
  }

  /** Closes the connection with {@code code} and counts it, unless it is already closed. */
  public void close(CloseCode code, String reason) {
    if (release()) {
      parts.metrics().close(code.code());
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
    parts.metrics().droppedFrames.add(outbox.close());
    hub.unregister(this);
    return true;
  }
}
