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

  /** Allowed. */
  enum Allow implements Decision {
    INSTANCE
  }

  /**
   * Denied.
   *
   * @param reason shown to the client (keep it short: a close reason holds at most 123 bytes)
   */
  record Deny(String reason) implements Decision {}
}
