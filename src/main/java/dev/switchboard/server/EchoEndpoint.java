package dev.switchboard.server;

import dev.switchboard.hub.Hub;
import dev.switchboard.hub.PlainConnection;
import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.log.AccessLog;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
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
 * {@code /echo}: sends every text and binary message back as it came. Binary messages arrive as
 * partial messages and are gathered into one buffer of the message's size, so a 16 MiB message is
 * held once, not once by the container and again here. Replies go through a bounded {@link Outbox},
 * so a client that sends without reading is closed as a slow consumer instead of growing the
 * server's memory. The session is a {@link PlainConnection} of the hub: pinged when silent and
 * closed when it does not answer, like a hub connection, since the container's own idle timeout is
 * off (see {@link WebSocketEndpoints#prepare}).
 *
 * <p>Registered like {@link HubEndpoint}: by {@link WebSocketEndpoints#configs(String, boolean)},
 * through its {@link Registered} adapter made by a configurator, never from its annotation.
 */
@ServerEndpoint(
    value = WebSocketEndpoints.ECHO_PATH,
    configurator = SwitchboardApplicationConfig.NotScanned.class)
public final class EchoEndpoint implements RegisteredEndpoint.Annotated {
  private static final System.Logger LOG = System.getLogger(EchoEndpoint.class.getName());

  private final Hub hub;
  private final EndpointOptions options;
  private final WebSocketEndpoints endpoints;

  /** Set in onOpen, read by later callbacks of the same session. */
  private volatile @Nullable PlainConnection connection;

  /** Set in onOpen with {@link #connection}. */
  private volatile @Nullable Transport transport;

  /** Set in onOpen; null when the access log is off. */
  private volatile AccessLog.@Nullable Entry access;

  /** Set in onOpen; gathers binary messages, which arrive in parts. */
  private volatile @Nullable Gatherer gatherer;

  EchoEndpoint(Hub hub, EndpointOptions options, WebSocketEndpoints endpoints) {
    this.hub = hub;
    this.options = options;
    this.endpoints = endpoints;
  }

  @OnOpen
  public void onOpen(Session session, EndpointConfig config) {
    int max = options.echoMaxMessageSize();
    session.setMaxTextMessageBufferSize(max);
    // For partial messages this bounds one frame; the whole message is bounded by the gatherer.
    session.setMaxBinaryMessageBufferSize(max);
    endpoints.sessions().opened(session);
    access = endpoints.access().opened(session, config);
    Transport t = endpoints.transport(session);
    transport = t;
    // Two messages of the maximum size may wait: one echoing, one just gathered.
    PlainConnection c = hub.openPlain(t, 2L * max);
    gatherer = new Gatherer(max, c);
    connection = c;
    if (!hub.lifecycle().isAccepting()) {
      c.close(CloseCode.SERVICE_RESTART, "server shutting down");
    }
  }

  @OnMessage
  public void onText(String text) {
    PlainConnection c = opened();
    int max = options.echoMaxMessageSize();
    if (MessageSize.exceeds(text, max)) {
      c.close(CloseCode.MESSAGE_TOO_BIG, "echo message over " + max + " bytes");
    } else if (c.admit(text.length())) {
      c.send(new QueuedFrame.Text(text));
    }
  }

  /** One part of a binary message: gathered into the whole message, then echoed. */
  @OnMessage
  public void onBinary(ByteBuffer part, boolean last) {
    Gatherer g = gatherer;
    if (g == null) {
      throw new IllegalStateException("message before onOpen");
    }
    g.onMessage(part, last);
  }

  @OnMessage
  public void onPong(PongMessage pong) {
    opened().onPong();
  }

  @OnClose
  public void onClose(Session session, CloseReason closeReason) {
    // The gatherer dies with the session; the connection's outbox with the connection.
    Transport t = transport; // set in onOpen before the connection: known whenever c is
    SessionAccess.closed(access, null, closeReason, t); // before the session counts as closed
    endpoints.sessions().closed(session);
    PlainConnection c = connection;
    // Still open: the hub did not close it (and count it); the container or the peer did.
    if (c != null && c.onClosed() && t != null) {
      endpoints.countContainerClose(closeReason.getCloseCode().getCode(), t);
    }
  }

  @OnError
  public void onError(Session session, Throwable error) {
    LOG.log(Level.DEBUG, () -> "echo session " + session.getId() + " error: " + error);
  }

  /** The connection made in onOpen, which the container calls before any message. */
  private PlainConnection opened() {
    PlainConnection c = connection;
    if (c == null) {
      throw new IllegalStateException("message before onOpen");
    }
    return c;
  }

  /** Collects the parts of one binary message. Called by the container one part at a time. */
  private static final class Gatherer {
    private final int max;
    private final PlainConnection connection;
    private @Nullable ByteBuffer message;

    Gatherer(int max, PlainConnection connection) {
      this.max = max;
      this.connection = connection;
    }

    void onMessage(ByteBuffer part, boolean last) {
      if (message == null && last) {
        int size = part.remaining();
        if (connection.admit(size)) {
          ByteBuffer copy = ByteBuffer.allocate(size).put(part).flip();
          connection.send(new QueuedFrame.Binary(copy));
        }
        return;
      }
      int needed = (message == null ? 0 : message.position()) + part.remaining();
      if (needed > max) {
        message = null;
        connection.close(CloseCode.MESSAGE_TOO_BIG, "echo message over " + max + " bytes");
        return;
      }
      if (message == null || message.remaining() < part.remaining()) {
        message = grow(message, needed);
      }
      message.put(part);
      if (last) {
        ByteBuffer whole = message.flip();
        message = null;
        // Admitted whole: the rate counts messages, and a refused one is dropped once gathered.
        if (connection.admit(whole.remaining())) {
          connection.send(new QueuedFrame.Binary(whole));
        }
      }
    }

    /** Doubles the buffer (bounded by max) so a message in many small parts is copied O(n). */
    private ByteBuffer grow(@Nullable ByteBuffer old, int needed) {
      int capacity = Math.max(needed, old == null ? 64 * 1024 : Math.min(max, old.capacity() * 2));
      capacity = Math.max(capacity, needed);
      ByteBuffer b = ByteBuffer.allocate(Math.min(capacity, max));
      if (old != null) {
        b.put(old.flip());
      }
      return b;
    }
  }

  @Override
  public void addMessageHandlers(Session session) {
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
    session.addMessageHandler(
        ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
    session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) this::onPong);
  }

  /** The endpoint as a container registers it; see {@link HubEndpoint.Registered}. */
  public static final class Registered extends RegisteredEndpoint {
    Registered(EchoEndpoint endpoint) {
      super(endpoint);
    }
  }
}
