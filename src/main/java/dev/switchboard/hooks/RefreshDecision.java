package dev.switchboard.hooks;

import java.time.Instant;

/**
 * The answer when a connection whose expiry the application set ({@link Decision.Grant#expiresAt})
 * reaches it: extend it, let it expire (closed with 4003, the client reconnects and connect is
 * asked again), or deny (closed with 4503, final; unavailable: 1011, the client reconnects later).
 */
public sealed interface RefreshDecision {

  /** Keep the connection until {@code expiresAt} (in the future), then ask again. */
  static RefreshDecision extend(Instant expiresAt) {
    return new Extend(expiresAt);
  }

  /** Do not extend: the connection is closed with 4003 like one whose token expired. */
  static RefreshDecision expire() {
    return Expire.INSTANCE;
  }

  /** Close the connection with 4503 and {@code reason}: final, like a denied connect. */
  static RefreshDecision deny(String reason) {
    return new Deny(reason, false);
  }

  /** Whoever decides cannot now: closed with 1011 and {@code reason}; the client reconnects. */
  static RefreshDecision unavailable(String reason) {
    return new Deny(reason, true);
  }

  /**
   * Extended.
   *
   * @param expiresAt the new expiry
   */
  record Extend(Instant expiresAt) implements RefreshDecision {}

  /** Not extended. */
  enum Expire implements RefreshDecision {
    INSTANCE
  }

  /**
   * Denied.
   *
   * @param reason the close reason
   * @param retry the decider could not decide now: closed with 1011 instead of 4503
   */
  record Deny(String reason, boolean retry) implements RefreshDecision {}
}
