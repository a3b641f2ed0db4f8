package dev.switchboard.server;

import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deployment's WebSocket endpoints: {@code /ws} (the hub protocol) and {@code /echo}. Built
 * once per server or web application with its hub and registered on whatever {@code
 * ServerContainer} hosts it. Owns the {@link Closer}; close it after the hub's connections.
 */
public final class Endpoints implements AutoCloseable {
  /** Path of the hub protocol endpoint. */
  public static final String HUB_PATH = "/ws";
  /** Path of the echo endpoint. */
  public static final String ECHO_PATH = "/echo";

  private final Hub hub;
  private final EndpointOptions options;
  private final TransportFactory transports;
  private final Closer closer = new Closer();
  /** Open sessions of both endpoints, so shutdown can close them all and wait for them. */
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final Object allClosed = new Object();

  public Endpoints(Hub hub, EndpointOptions options, TransportFactory transports) {
    this.hub = hub;
    this.options = options;
    this.transports = transports;
  }

  /** The transport for a new session: the factory's, over the portable one. */
  dev.switchboard.hub.Transport transport(Session session) {
    return transports.create(session, new JakartaTransport(session, closer));
  }

  /** The endpoint configurations to register with a {@code ServerContainer}. */
  public List<ServerEndpointConfig> configs() {
    ServerEndpointConfig ws =
        ServerEndpointConfig.Builder.create(HubEndpoint.class, HUB_PATH)
            .subprotocols(List.of(SwitchboardConfigurator.SUBPROTOCOL))
            .configurator(
                new SwitchboardConfigurator(
                    () -> new HubEndpoint(hub, options, this), options.origins(), hub.metrics()))
            .build();
    ServerEndpointConfig echo =
        ServerEndpointConfig.Builder.create(EchoEndpoint.class, ECHO_PATH)
            .configurator(
                new SwitchboardConfigurator(
                    () -> new EchoEndpoint(options, this), options.origins(), hub.metrics()))
            .build();
    return List.of(ws, echo);
  }

  /**
   * Prepares a container before the endpoints are registered: the default idle timeout is set to
   * the configured one (see {@link #applyIdleTimeout}).
   */
  public void prepare(jakarta.websocket.WebSocketContainer container) {
    container.setDefaultMaxSessionIdleTimeout(options.idleTimeout().toMillis());
  }

  /**
   * Sets a session's idle timeout unless the container already applied it. Tyrus schedules the
   * idle check when a session is created with the container default; with a default of 0 the
   * check runs at once, and if a new timeout was set in onOpen meanwhile it closes the fresh
   * session as idle. Setting the default first (see {@link #prepare}) and not touching the
   * session here avoids that race.
   */
  static void applyIdleTimeout(Session session, Duration idleTimeout) {
    if (session.getMaxIdleTimeout() != idleTimeout.toMillis()) {
      session.setMaxIdleTimeout(idleTimeout.toMillis());
    }
  }

  /** The origin policy the endpoints enforce, for servers that check it before the upgrade. */
  public OriginPolicy origins() {
    return options.origins();
  }

  /** The largest message any endpoint accepts, for containers that need a frame buffer size. */
  public int largestMessageSize() {
    return Math.max(options.maxMessageSize(), options.echoMaxMessageSize());
  }

  Closer closer() {
    return closer;
  }

  void opened(Session session) {
    sessions.add(session);
  }

  void closed(Session session) {
    sessions.remove(session);
    if (sessions.isEmpty()) {
      synchronized (allClosed) {
        allClosed.notifyAll();
      }
    }
  }

  /** Sessions open now on both endpoints. */
  public int openSessions() {
    return sessions.size();
  }

  /**
   * Closes the echo sessions with 1001 (hub connections are closed by the hub, which counts them)
   * and waits up to {@code grace} until every session has closed.
   *
   * @return whether all sessions closed in time
   */
  public boolean closeAndAwait(Duration grace) throws InterruptedException {
    CloseReason goingAway =
        new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
    for (Session s : sessions) {
      if (s.getRequestURI() != null && s.getRequestURI().getPath().endsWith(ECHO_PATH)) {
        closer.run("close of echo session " + s.getId(), () -> s.close(goingAway));
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    synchronized (allClosed) {
      while (!sessions.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        allClosed.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }

  @Override
  public void close() {
    closer.close();
  }
}
