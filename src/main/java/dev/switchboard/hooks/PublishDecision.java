package dev.switchboard.hooks;

import dev.switchboard.protocol.Payload;

/**
 * The answer to a client's publication, before fan-out: allow it as sent, deny it with a reason the
 * client sees, or publish other data in its place (moderation, redaction, enrichment).
 */
public sealed interface PublishDecision {

  /** Publish as sent. */
  static PublishDecision allow() {
    return Allow.INSTANCE;
  }

  /** Publish nothing; the client gets the documented error with {@code reason} as its message. */
  static PublishDecision deny(String reason) {
    return new Deny(reason);
  }

  /**
   * Publish {@code payload} instead of what the client sent. JSON text must be one JSON value; the
   * namespace's size limit applies to it as to the original.
   */
  static PublishDecision rewrite(Payload payload) {
    return new Rewrite(payload);
  }

  /** Publish as sent. */
  enum Allow implements PublishDecision {
    INSTANCE
  }

  /**
   * Publish nothing.
   *
   * @param reason shown to the client
   */
  record Deny(String reason) implements PublishDecision {}

  /**
   * Publish {@code payload} in place of the client's data.
   *
   * @param payload what subscribers get
   */
  record Rewrite(Payload payload) implements PublishDecision {}
}
