package dev.switchboard.client;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} on a Jakarta WebSocket client session: the endpoint of one connection. It
 * uses only the portable client API, so it runs on Tyrus standalone and on an application server's
 * own client.
 *
 * <p>A programmatic {@link Endpoint} rather than a {@code @ClientEndpoint} class: the container
 * calls an annotated endpoint's methods by reflection, so that class would have to be public
 * (tried: on Tyrus a package-private one never receives a message or a close), and this one is no
 * part of the client's API.
 */
final class JakartaTransport extends Endpoint implements Transport {
  private static final System.Logger LOG = System.getLogger(JakartaTransport.class.getName());

  /** Publications can be large; the server's own limit decides, not the client's default 8 KB. */
  private static final int MAX_MESSAGE = 16 << 20;

  private final Transport.Listener listener;

  /** Set once the handshake completed; read by senders on the state thread. */
  @SuppressWarnings("NullAway.Init") // set by the connector before it hands the transport out
  private volatile Session session;

  private JakartaTransport(Transport.Listener listener) {
    this.listener = listener;
  }

  /** A connector to the options' URI on the container {@link ContainerProvider} finds. */
  static Transport.Connector connector(Options options) {
    URI uri = options.uri();
    WebSocketContainer container = ContainerProvider.getWebSocketContainer();
    container.setDefaultMaxTextMessageBufferSize(MAX_MESSAGE);
    container.setDefaultMaxBinaryMessageBufferSize(MAX_MESSAGE);
    TyrusClientSupport.configure(container, options);
    ClientEndpointConfig config =
        ClientEndpointConfig.Builder.create()
            .preferredSubprotocols(List.of("switchboard.v1"))
            .build();
    // The Jakarta connect blocks until the handshake is done: not on the caller's thread.
    return listener ->
        CompletableFuture.supplyAsync(
            () -> {
              JakartaTransport t = new JakartaTransport(listener);
              try {
                t.session = container.connectToServer(t, config, uri);
              } catch (Exception e) {
                throw new SwitchboardException(
                    "cannot connect to " + uri + ": " + rootMessage(e), 0, 0);
              }
              return t;
            });
  }

  @Override
  public void onOpen(Session s, EndpointConfig c) {
    s.addMessageHandler(
        String.class, (MessageHandler.Whole<String>) text -> listener.onText(this, text));
    s.addMessageHandler(
        ByteBuffer.class,
        (MessageHandler.Whole<ByteBuffer>)
            data -> {
              ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
              listener.onBinary(this, copy);
            });
  }

  @Override
  public void onClose(Session s, CloseReason r) {
    listener.onClose(this, r.getCloseCode().getCode(), r.getReasonPhrase());
  }

  @Override
  public void onError(Session s, Throwable t) {
    LOG.log(Level.DEBUG, () -> "client session error: " + t);
  }

  @Override
  public void sendText(String text) {
    session
        .getAsyncRemote()
        .sendText(
            text,
            r -> {
              if (!r.isOK()) {
                LOG.log(Level.DEBUG, () -> "send failed: " + r.getException());
              }
            });
  }

  @Override
  public void sendBinary(byte[] bytes) {
    session.getAsyncRemote().sendBinary(ByteBuffer.wrap(bytes), r -> {});
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
