package dev.switchboard.server;

import dev.switchboard.hub.Hub;
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
  /** Open sessions of both endpoints, so shutdown can wait for them. */
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
                    () -> new EchoEndpoint(hub, options, this), options.origins(), hub.metrics()))
            .build();
    return List.of(ws, echo);
  }

  /**
   * No session idle timeout: a negative value means never (Jakarta WebSocket), and Tyrus then
   * schedules nothing. With any other value Tyrus 2.2 schedules a task on every message received
   * or sent (with 0, one that runs at once; with a timeout, one that stays queued after it is
   * cancelled until its time comes: 300,000 pings on 100 connections held 299,687 tasks for a
   * 40 s timeout). The hub's sweep pings silent sessions of both endpoints and closes those that
   * do not answer (4001), which bounds a dead peer's life in every container.
   */
  static final long NO_IDLE_TIMEOUT = -1;

  /** Prepares a container before the endpoints are registered: sessions get no idle timeout. */
  public void prepare(jakarta.websocket.WebSocketContainer container) {
    container.setDefaultMaxSessionIdleTimeout(NO_IDLE_TIMEOUT);
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
   * Waits up to {@code grace} until every session has closed. The hub closes them (with 1001 at
   * shutdown), echo sessions too: they are its plain connections.
   *
   * @return whether all sessions closed in time
   */
  public boolean awaitAllClosed(Duration grace) throws InterruptedException {
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
