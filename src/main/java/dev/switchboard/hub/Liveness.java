package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The time-driven part of a connection: when it opened, when it last sent anything and whether a
 * ping is out. {@link #check} decides, once per sweep, whether to ping or close it, given who the
 * connection is now (its identity is kept by {@link ConnectionAuth}).
 *
 * <p>Thread-safe through volatile fields: the reader thread records activity, the sweeper reads.
 */
final class Liveness {
  /** What a sweep should do with the connection. */
  enum Action {
    NOTHING,
    PING,
    CLOSE_IDLE,
    CLOSE_EXPIRED,
    CLOSE_UNAUTHENTICATED
  }

  private final long openedNanos;
  private volatile long lastReceivedNanos;

  /** When the outstanding ping was sent; 0 when none is out. */
  private volatile long pingSentNanos;

  Liveness(long nowNanos) {
    this.openedNanos = nowNanos;
    this.lastReceivedNanos = nowNanos;
  }

  /** Anything (a message or a pong) arrived. */
  void received(long nowNanos) {
    lastReceivedNanos = nowNanos;
    pingSentNanos = 0;
  }

  /**
   * @param who the connection's identity now; null while a required token has not arrived
   */
  Action check(long nowNanos, Instant now, ConnectionPolicy policy, @Nullable Identity who) {
    if (who == null) {
      return nowNanos - openedNanos > policy.authTimeout().toNanos()
          ? Action.CLOSE_UNAUTHENTICATED
          : Action.NOTHING;
    }
    if (who.expiredAt(now)) {
      return Action.CLOSE_EXPIRED;
    }
    long ping = pingSentNanos;
    if (ping != 0) {
      return nowNanos - ping > policy.pongTimeout().toNanos() ? Action.CLOSE_IDLE : Action.NOTHING;
    }
    if (nowNanos - lastReceivedNanos > policy.pingInterval().toNanos()) {
      pingSentNanos = nowNanos;
      return Action.PING;
    }
    return Action.NOTHING;
  }

  static CloseCode closeCode(Action a) {
    return switch (a) {
      case CLOSE_IDLE -> CloseCode.IDLE_TIMEOUT;
      case CLOSE_EXPIRED -> CloseCode.TOKEN_EXPIRED;
      case CLOSE_UNAUTHENTICATED -> CloseCode.UNAUTHORIZED;
      default -> throw new IllegalArgumentException(a + " closes nothing");
    };
  }

  /** The close reason that goes with {@link #closeCode}. */
  static String closeReason(Action a, ConnectionPolicy policy) {
    return switch (a) {
      case CLOSE_IDLE -> "no pong within " + policy.pongTimeout().toSeconds() + " s";
      case CLOSE_EXPIRED -> "token expired: refresh it and reconnect";
      default -> "no token within " + policy.authTimeout().toSeconds() + " s";
    };
  }
}
