package dev.switchboard.sse;

import dev.switchboard.hub.Transport;

/**
 * The open response of one event stream, as its HTTP server gives it: a non-blocking output.
 *
 * <p>Contract: {@link #write} is never called again before the previous write's callback ran
 * ({@link SseTransport} keeps one in flight); neither method blocks.
 */
public interface EventStream {

  /**
   * Starts writing {@code chunks} in this order, as one write, and flushing them. {@code done} is
   * called exactly once, possibly before this returns: with null once the bytes are written (or
   * taken by a bounded buffer of the server's that has room again), or with the failure. A peer
   * that stops reading therefore leaves {@code done} uncalled, which the outbox notices.
   */
  void write(byte[][] chunks, Transport.SendCallback done);

  /** Ends the response after what was written. Idempotent. */
  void end();

  /**
   * Drops the connection now, without waiting for a write the peer does not take: a reader that
   * stopped would otherwise hold the response, its buffers and its socket forever. Idempotent.
   */
  void abort();
}
