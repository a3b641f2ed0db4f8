package dev.switchboard.client;

/**
 * Connection events, in order, on the client's callback thread. All methods have empty defaults.
 */
public interface ConnectionListener {
  default void onConnecting() {}

  default void onConnected() {}

  /**
   * The connection ended.
   *
   * @param code the close code (1006 when the connection broke without a close frame)
   */
  default void onDisconnected(int code, String reason) {}

  /** A reconnect is scheduled: attempt number (from 1) and the delay before it. */
  default void onReconnecting(int attempt, java.time.Duration delay) {}

  /**
   * Something failed: a connection attempt could not be made or was refused (no server, TLS, an
   * HTTP status instead of the upgrade), or the WebSocket implementation reported an error on the
   * open connection. {@code cause} is what it reported. What the client does about it is told by
   * the events that follow ({@code onReconnecting}, {@code onDisconnected}, {@code onClosed}); a
   * first {@link SwitchboardClient#connect()} also fails with the same reason.
   */
  default void onFailure(Throwable cause) {}

  /** The client will not reconnect: closed by the application or by a final close code. */
  default void onClosed(int code, String reason) {}
}
