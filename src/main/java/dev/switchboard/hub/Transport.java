package dev.switchboard.hub;

import dev.switchboard.protocol.CloseCode;

/**
 * One client's socket, as the hub sees it. Implemented by the transport adapter.
 *
 * <p>Contract: {@link #send} is never called again before the previous send's callback ran (the
 * {@link Outbox} keeps one send in flight). Neither method blocks.
 */
public interface Transport {

  /**
   * Starts sending {@code frame}. {@code done} is called exactly once, possibly on the calling
   * thread before this method returns, with {@code null} on success or the failure.
   */
  void send(OutFrame frame, SendCallback done);

  /** Starts the closing handshake with {@code code}. Idempotent; never blocks. */
  void close(CloseCode code, String reason);

  /** Called once when a send completes. */
  @FunctionalInterface
  interface SendCallback {
    void completed(Throwable failureOrNull);
  }
}
