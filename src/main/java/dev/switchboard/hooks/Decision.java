package dev.switchboard.hooks;

/** The answer to a connect or subscribe: allow it, or deny it with a reason the client sees. */
public sealed interface Decision {

  /** Allow. */
  static Decision allow() {
    return Allow.INSTANCE;
  }

  /** Deny; the client gets the documented error with {@code reason} as its message. */
  static Decision deny(String reason) {
    return new Deny(reason);
  }

  /**
   * Deny because whoever decides cannot now (a backend down or too slow). Like {@link #deny}, but a
   * connection refused so is closed with 1011, which clients reconnect after, not with the final
   * 4503.
   */
  static Decision unavailable(String reason) {
    return new Deny(reason, true);
  }

  /** Allowed. */
  enum Allow implements Decision {
    INSTANCE
  }

  /**
   * Denied.
   *
   * @param reason shown to the client (keep it short: a close reason holds at most 123 bytes)
   * @param retry the decider could not decide now ({@link #unavailable}): worth trying again
   */
  record Deny(String reason, boolean retry) implements Decision {
    public Deny(String reason) {
      this(reason, false);
    }
  }
}
