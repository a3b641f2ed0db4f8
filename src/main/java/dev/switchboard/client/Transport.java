package dev.switchboard.client;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket connection, as narrow as the client needs it. {@link JakartaTransport} puts it on
 * the Jakarta WebSocket client API; unit tests use an in-memory one. All methods are called on the
 * client's state thread, never on an application's.
 */
interface Transport {
  /**
   * Hands {@code text} to the WebSocket implementation's asynchronous send and returns (on Tyrus,
   * its write queue, which has no bound). A failed send is reported to {@link Listener#onError}.
   */
  void sendText(String text);

  /** {@link #sendText} for a binary message. */
  void sendBinary(byte[] bytes);

  /**
   * Closes with {@code code} and {@code reason}, whatever state the connection is in; never throws.
   * It may wait while the implementation writes the close frame (the Jakarta API has no
   * asynchronous close), which is why only the state thread calls it.
   */
  void close(int code, String reason);

  /**
   * What a transport reports, on its own threads; {@code data} is the listener's to keep. Events
   * can arrive late, from a transport that is no longer the current one, and early, before the
   * future {@link Connector#open} returned completed with it: listeners compare {@code t}.
   */
  interface Listener {
    void onText(Transport t, String text);

    void onBinary(Transport t, ByteBuffer data);

    void onClose(Transport t, int code, String reason);

    /**
     * The WebSocket implementation reported an error on {@code t} (a failed send, a broken socket);
     * its close, if it follows, is reported by {@link #onClose}.
     */
    void onError(Transport t, Throwable cause);
  }

  /** Opens connections to one server. */
  @FunctionalInterface
  interface Connector {
    /**
     * Starts a connection whose events go to {@code listener}; completes with it once the handshake
     * is done, or fails with a {@link SwitchboardException} saying why it could not.
     */
    CompletableFuture<Transport> open(Listener listener);
  }
}
