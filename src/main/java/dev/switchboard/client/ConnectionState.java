package dev.switchboard.client;

/** Where a client's connection stands. */
public enum ConnectionState {
  /**
   * Not connected and not trying: {@link SwitchboardClient#connect()} was not called yet, or its
   * handshake failed (it may be called again). Not an end, unlike {@link #CLOSED}.
   */
  IDLE,
  /** Opening the WebSocket (first time or again). */
  CONNECTING,
  /** Open and, when a token is configured, authenticated. */
  CONNECTED,
  /** Lost; a reconnect is scheduled. */
  RECONNECTING,
  /** Closed for good: by {@link SwitchboardClient#close()} or by a final close code. */
  CLOSED
}
