package dev.switchboard.hub;

import dev.switchboard.protocol.CloseCode;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One client's socket, as the hub sees it. Implemented by the transport adapter.
 *
 * <p>Contract: a new send (or batch) is never started before the previous one's callback ran (the
 * {@link Outbox} keeps one in flight). Neither method blocks.
 */
public interface Transport {

  /**
   * Starts sending {@code frame}. {@code done} is called exactly once, possibly on the calling
   * thread before this method returns, with {@code null} on success or the failure.
   */
  void send(QueuedFrame frame, SendCallback done);

  /**
   * How many bytes of queued frames this transport takes in one {@link #sendBatch}; 0 when it sends
   * one frame at a time (the portable Jakarta API has no way to write several at once).
   */
  default int maxBatchBytes() {
    return 0;
  }

  /**
   * Starts sending several frames as one write. The transport copies what it needs before returning
   * and does not keep {@code frames}. Same callback rules as {@link #send}.
   */
  default void sendBatch(List<QueuedFrame> frames, SendCallback done) {
    throw new UnsupportedOperationException("this transport sends one frame at a time");
  }

  /**
   * The handshake headers the configuration forwards to the application's decisions ({@code
   * proxy.headers}, names lower-case; {@code proxy.cookies} as one {@code cookie} entry holding
   * only those cookies). Empty by default.
   */
  default Map<String, String> forwarded() {
    return Map.of();
  }

  /** Sends a ping frame; the pong (or any message) proves the client alive. Never blocks. */
  void ping();

  /** Starts the closing handshake with {@code code}. Idempotent; never blocks. */
  void close(CloseCode code, String reason);

  /**
   * Who began a close the WebSocket container reported with {@code code}, when Switchboard did not
   * ask for it: the container itself or the peer. Lets the adapter count the container's own closes
   * as server closes, and not the client's. Only the adapter's thread that reports the close calls
   * this.
   */
  default CloseOrigin closeOrigin(int code) {
    return CloseOrigin.UNKNOWN;
  }

  /**
   * A close the adapter sent by itself, below the endpoint, or null: the standalone server answers
   * a frame over the size limit (1009) or a malformed one (1002) before the WebSocket container
   * reads it, and the container then reports the connection as closed abnormally (1006). For the
   * access log, which writes the code that went on the wire.
   */
  default @Nullable SentClose sentClose() {
    return null;
  }

  /** A close frame's code and reason. */
  record SentClose(CloseCode code, String reason) {}

  /** See {@link #closeOrigin}. */
  enum CloseOrigin {
    /**
     * The container made the close and sends its close frame (invalid UTF-8, a protocol error...).
     */
    CONTAINER,
    /** The close answers the peer's own close frame, or the peer's connection was already gone. */
    PEER,
    /** This transport does not see the connection's frames (the portable Jakarta API). */
    UNKNOWN
  }

  /** Called once when a send completes. */
  @FunctionalInterface
  interface SendCallback {
    void completed(@Nullable Throwable failureOrNull);
  }
}
