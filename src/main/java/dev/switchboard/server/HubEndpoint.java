package dev.switchboard.server;

import dev.switchboard.auth.Identity;
import dev.switchboard.hub.ClientConnection;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The hub protocol endpoint on {@code /ws}: one instance per session, made by {@link
 * SwitchboardConfigurator}. Turns session events into {@link ClientConnection} calls.
 */
public final class HubEndpoint extends Endpoint {
  private static final System.Logger LOG = System.getLogger(HubEndpoint.class.getName());

  private final Hub hub;
  private final EndpointOptions options;
  private final WebSocketEndpoints endpoints;

  /** Set in onOpen, read by later callbacks of the same session. */
  private volatile @Nullable ClientConnection connection;

  /** Set in onOpen with {@link #connection}. */
  private volatile @Nullable Transport transport;

  HubEndpoint(Hub hub, EndpointOptions options, WebSocketEndpoints endpoints) {
    this.hub = hub;
    this.options = options;
    this.endpoints = endpoints;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    session.setMaxTextMessageBufferSize(options.maxMessageSize());
    session.setMaxBinaryMessageBufferSize(options.maxMessageSize());
    endpoints.sessions().opened(session);
    Transport sessionTransport = endpoints.transport(session);
    transport = sessionTransport;
    Object token = session.getUserProperties().get(SwitchboardConfigurator.TOKEN_PROPERTY);
    Object user = session.getUserProperties().get(ContainerIdentity.PROPERTY);
    ClientConnection c =
        hub.open(
            sessionTransport,
            token instanceof String t ? t : null,
            user instanceof Identity i ? i : null);
    connection = c;
    int max = options.maxMessageSize();
    // The session limits above bind fragmented messages everywhere, but Tyrus does not apply them
    // to a message that arrives as one frame: check every message here as well.
    session.addMessageHandler(
        String.class,
        (MessageHandler.Whole<String>)
            text -> {
              if (MessageSize.exceeds(text, max)) {
                c.close(CloseCode.MESSAGE_TOO_BIG, "message over " + max + " bytes");
              } else {
                c.onText(text);
              }
            });
    session.addMessageHandler(
        ByteBuffer.class,
        (MessageHandler.Whole<ByteBuffer>)
            data -> {
              if (data.remaining() > max) {
                c.close(CloseCode.MESSAGE_TOO_BIG, "message over " + max + " bytes");
              } else {
                c.onBinary(data);
              }
            });
    session.addMessageHandler(
        PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> c.onPong());
    if (!hub.isAccepting()) {
      c.close(CloseCode.GOING_AWAY, "server shutting down");
    }
  }

  @Override
  public void onClose(Session session, CloseReason closeReason) {
    endpoints.sessions().closed(session);
    ClientConnection c = connection;
    Transport t = transport; // set in onOpen before the connection: known whenever c is
    // Still open: the hub did not close it (the hub counts its own closes); the container or the
    // peer did.
    String reason = closeReason.getReasonPhrase();
    if (c != null
        && c.onClosed(closeReason.getCloseCode().getCode(), reason == null ? "" : reason)
        && t != null) {
      endpoints.countContainerClose(closeReason.getCloseCode().getCode(), t);
    }
  }

  @Override
  public void onError(Session session, Throwable error) {
    ClientConnection c = connection;
    LOG.log(
        Level.DEBUG,
        () -> "session " + (c == null ? session.getId() : c.id()) + " error: " + error);
  }
}
