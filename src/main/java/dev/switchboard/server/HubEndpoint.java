package dev.switchboard.server;

import dev.switchboard.auth.Identity;
import dev.switchboard.hub.ClientConnection;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.Transport;
import dev.switchboard.log.AccessLog;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The hub protocol endpoint: one instance per session. Turns session events into {@link
 * ClientConnection} calls.
 *
 * <p>Registered by {@link WebSocketEndpoints#configs(String, boolean)} at the configured path
 * through its {@link Registered} adapter, which the configurator makes with the deployment's hub:
 * Tyrus (standalone, GlassFish, Payara), Jetty and Open Liberty do not honour a {@code
 * ServerEndpointConfig} that names an annotated class with its own configurator (see {@link
 * WebSocketEndpoints#configs(String, boolean)}). The container never deploys the class from its
 * annotation (see {@link SwitchboardApplicationConfig}). The container calls the methods of one
 * session one at a time, {@code onOpen} first.
 */
@ServerEndpoint(
    value = WebSocketEndpoints.HUB_PATH,
    subprotocols = SwitchboardConfigurator.SUBPROTOCOL,
    configurator = SwitchboardApplicationConfig.NotScanned.class)
public final class HubEndpoint implements RegisteredEndpoint.Annotated {
  private static final System.Logger LOG = System.getLogger(HubEndpoint.class.getName());

  private final Hub hub;
  private final EndpointOptions options;
  private final WebSocketEndpoints endpoints;

  /** Set in onOpen, read by later callbacks of the same session. */
  private volatile @Nullable ClientConnection connection;

  /** Set in onOpen with {@link #connection}. */
  private volatile @Nullable Transport transport;

  /** Set in onOpen; null when the access log is off. */
  private volatile AccessLog.@Nullable Entry access;

  HubEndpoint(Hub hub, EndpointOptions options, WebSocketEndpoints endpoints) {
    this.hub = hub;
    this.options = options;
    this.endpoints = endpoints;
  }

  @OnOpen
  public void onOpen(Session session, EndpointConfig config) {
    session.setMaxTextMessageBufferSize(options.maxMessageSize());
    session.setMaxBinaryMessageBufferSize(options.maxMessageSize());
    endpoints.sessions().opened(session);
    access = endpoints.access().opened(session, config);
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
    if (!hub.lifecycle().isAccepting()) {
      c.close(CloseCode.SERVICE_RESTART, "server shutting down");
    }
  }

  /**
   * A text message. The session limits set in onOpen bind fragmented messages everywhere, but Tyrus
   * does not apply them to a message that arrives as one frame: every message is checked here too.
   */
  @OnMessage
  public void onText(String text) {
    ClientConnection c = opened();
    int max = options.maxMessageSize();
    if (MessageSize.exceeds(text, max)) {
      c.close(CloseCode.MESSAGE_TOO_BIG, "message over " + max + " bytes");
    } else {
      c.onText(text);
    }
  }

  /** A binary message, checked against the limit as text is. */
  @OnMessage
  public void onBinary(ByteBuffer data) {
    ClientConnection c = opened();
    int max = options.maxMessageSize();
    if (data.remaining() > max) {
      c.close(CloseCode.MESSAGE_TOO_BIG, "message over " + max + " bytes");
    } else {
      c.onBinary(data);
    }
  }

  @OnMessage
  public void onPong(PongMessage pong) {
    opened().onPong();
  }

  @OnClose
  public void onClose(Session session, CloseReason closeReason) {
    ClientConnection c = connection;
    Transport t = transport; // set in onOpen before the connection: known whenever c is
    // Before the session counts as closed, so whoever waits for that finds the line written.
    SessionAccess.closed(access, c == null ? null : c.user(), closeReason, t);
    endpoints.sessions().closed(session);
    // Still open: the hub did not close it (the hub counts its own closes); the container or the
    // peer did.
    String reason = closeReason.getReasonPhrase();
    if (c != null
        && c.onClosed(closeReason.getCloseCode().getCode(), reason == null ? "" : reason)
        && t != null) {
      endpoints.countContainerClose(closeReason.getCloseCode().getCode(), t);
    }
  }

  @OnError
  public void onError(Session session, Throwable error) {
    ClientConnection c = connection;
    LOG.log(
        Level.DEBUG,
        () -> "session " + (c == null ? session.getId() : c.id()) + " error: " + error);
  }

  /** The connection made in onOpen, which the container calls before any message. */
  private ClientConnection opened() {
    ClientConnection c = connection;
    if (c == null) {
      throw new IllegalStateException("message before onOpen");
    }
    return c;
  }

  @Override
  public void addMessageHandlers(Session session) {
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
    session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) this::onBinary);
    session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) this::onPong);
  }

  /**
   * The endpoint as a container registers it: a programmatic {@link Endpoint} that calls the
   * annotated methods directly (no reflective dispatch per message), with the configured path.
   */
  public static final class Registered extends RegisteredEndpoint {
    Registered(HubEndpoint endpoint) {
      super(endpoint);
    }
  }
}
