/*
 * The "naive Tyrus" baseline of Switchboard's benchmark comparison: plain annotated Jakarta
 * WebSocket endpoints on Tyrus 2.2.2 / Grizzly, written the obvious way, speaking the "raw"
 * dialect of shared/tools/wsload.c:
 *
 *   /echo  every text or binary message is sent back with getAsyncRemote()
 *   /sub   the session is added to a set of subscribers
 *   /pub   every message is sent to each subscriber in turn with getAsyncRemote() -- the
 *          per-subscriber loop that Switchboard's fan-out path measures itself against
 *
 * Run with the JDK source launcher (bench/naive-tyrus/run.sh resolves the classpath):
 *   java -cp <project runtime classpath> bench/naive-tyrus/NaiveTyrus.java PORT
 * It listens on 127.0.0.1:PORT only, prints "listening on 127.0.0.1:PORT" once ready and stops
 * on SIGTERM / SIGINT (the JVM then exits through its shutdown hooks, status 143 / 130).
 *
 * The server is a Grizzly HttpServer bound to 127.0.0.1 with Tyrus's WebSocketAddOn, the same
 * small pattern as src/main/java/dev/switchboard/standalone/{StandaloneServer,TyrusContainer}.java.
 * Tyrus's own org.glassfish.tyrus.server.Server is not used because it binds 0.0.0.0 whatever
 * host it is given (Tyrus issue 593).
 */

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

public final class NaiveTyrus {
  /** Largest message accepted: 1 MiB, the same limit as the Node.js peers in bench/peers. */
  static final int MAX_MESSAGE = 1 << 20;
  /** Frame header room on top of the largest message (2 + 8 length + 4 mask bytes, rounded up). */
  static final int FRAME_OVERHEAD = 16;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp <classpath> NaiveTyrus.java PORT");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);

    Container container = new Container(MAX_MESSAGE + FRAME_OVERHEAD);
    container.register(Echo.class);
    container.register(Sub.class);
    container.register(Pub.class);

    NetworkListener listener = new NetworkListener("naive-tyrus", "127.0.0.1", port);
    // Grizzly's HTTP keep-alive timeout would also close idle upgraded WebSockets.
    listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
    listener.registerAddOn(new WebSocketAddOn(container, "/"));
    HttpServer http = new HttpServer();
    http.addListener(listener);
    http.getServerConfiguration().setJmxEnabled(false);
    http.start();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  http.shutdownNow();
                  stopped.countDown();
                },
                "naive-tyrus-shutdown"));
    System.out.println("listening on 127.0.0.1:" + listener.getPort());
    System.out.flush();
    stopped.await();
  }

  /** /echo: sends every message straight back. */
  @ServerEndpoint("/echo")
  public static final class Echo {
    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onText(Session session, String message) {
      session.getAsyncRemote().sendText(message);
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onBinary(Session session, ByteBuffer message) {
      session.getAsyncRemote().sendBinary(message);
    }
  }

  /** Every session currently connected on /sub. */
  static final Set<Session> SUBSCRIBERS = ConcurrentHashMap.newKeySet();

  /** /sub: a subscriber only receives. */
  @ServerEndpoint("/sub")
  public static final class Sub {
    @OnOpen
    public void onOpen(Session session) {
      SUBSCRIBERS.add(session);
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
      SUBSCRIBERS.remove(session);
    }

    @OnError
    public void onError(Session session, Throwable error) {
      SUBSCRIBERS.remove(session);
    }
  }

  /** /pub: the naive fan-out loop, one asynchronous send per subscriber. */
  @ServerEndpoint("/pub")
  public static final class Pub {
    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onText(String message) {
      for (Session s : SUBSCRIBERS) {
        if (s.isOpen()) {
          s.getAsyncRemote().sendText(message);
        }
      }
    }

    @OnMessage(maxMessageSize = MAX_MESSAGE)
    public void onBinary(ByteBuffer message) {
      for (Session s : SUBSCRIBERS) {
        if (s.isOpen()) {
          s.getAsyncRemote().sendBinary(message.duplicate()); // each send reads its own view
        }
      }
    }

    @OnError
    public void onError(Session session, Throwable error) {
      // a broken publisher only loses its own connection
    }
  }

  /**
   * The smallest Tyrus server container a Grizzly WebSocketAddOn can serve (as the project's
   * TyrusContainer): owns the engine and registers endpoints, binds nothing itself.
   */
  static final class Container extends TyrusServerContainer {
    private final TyrusWebSocketEngine engine;

    Container(int incomingBufferSize) {
      super((Set<Class<?>>) null);
      this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
      engine.register(endpointClass, "");
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
      engine.register(serverEndpointConfig, "");
    }

    @Override
    public Map<String, Object> getProperties() {
      return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
      return engine;
    }
  }
}
