package dev.switchboard.client;

import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} on a Jakarta WebSocket client session. The container's events arrive through
 * the annotated {@link JakartaEndpoint}; sends go through the session's asynchronous remote. It
 * uses only the portable client API, so it runs on Tyrus standalone and on an application server's
 * own client.
 */
final class JakartaTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(JakartaTransport.class.getName());

  private final Transport.Listener listener;

  /** Set once the handshake completed; read by senders on the state thread. */
  @SuppressWarnings("NullAway.Init") // set by the connector before it hands the transport out
  private volatile Session session;

  private JakartaTransport(Transport.Listener listener) {
    this.listener = listener;
  }

  /** A connector to the options' URI on the container {@link ContainerProvider} finds. */
  static Transport.Connector connector(Options options) {
    return connector(options, ContainerProvider.getWebSocketContainer());
  }

  /**
   * A connector to the options' URI on {@code container}: any Jakarta WebSocket client, e.g. an
   * application server's own.
   */
  static Transport.Connector connector(Options options, WebSocketContainer container) {
    URI uri = options.uri();
    container.setDefaultMaxTextMessageBufferSize(JakartaEndpoint.MAX_MESSAGE);
    container.setDefaultMaxBinaryMessageBufferSize(JakartaEndpoint.MAX_MESSAGE);
    TyrusClientSupport.configure(container, options);
    // The Jakarta connect blocks until the handshake is done: not on the caller's thread.
    return listener ->
        CompletableFuture.supplyAsync(
            () -> {
              JakartaTransport t = new JakartaTransport(listener);
              try {
                t.session = container.connectToServer(new JakartaEndpoint(t), uri);
              } catch (Exception e) {
                throw new SwitchboardException(
                    "cannot connect to " + uri + ": " + rootMessage(e), 0, 0, e);
              }
              return t;
            });
  }

  Transport.Listener listener() {
    return listener;
  }

  @Override
  public void sendText(String text) {
    session
        .getAsyncRemote()
        .sendText(
            text,
            r -> {
              if (!r.isOK()) {
                listener.onError(this, r.getException());
              }
            });
  }

  @Override
  public void sendBinary(byte[] bytes) {
    session
        .getAsyncRemote()
        .sendBinary(
            ByteBuffer.wrap(bytes),
            r -> {
              if (!r.isOK()) {
                listener.onError(this, r.getException());
              }
            });
  }

  /**
   * Tyrus throws IllegalStateException when the peer's close already arrived; escaping from a
   * completion callback, that exception was swallowed and the rest of the callback (failing
   * connect()) never ran.
   */
  @Override
  public void close(int code, String reason) {
    try {
      session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "close of a session that is already closing: " + e);
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
