package dev.switchboard.server;

import dev.switchboard.hub.Hub;
import dev.switchboard.hub.Transport;
import dev.switchboard.log.AccessLog;
import dev.switchboard.protocol.CloseCode;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.time.Duration;
import java.util.List;

/**
 * The deployment's WebSocket endpoints: {@code /ws} (the hub protocol; another path in a web
 * application that configures one) and {@code /echo}. Built once per server or web application with
 * its hub and registered on whatever {@code ServerContainer} hosts it. Gives the endpoints what
 * they share: each session's transport, the {@link Closer} (close it after the hub's connections),
 * the count of closes the container made, and the {@link OpenSessions} that shutdown waits for.
 */
public final class WebSocketEndpoints implements AutoCloseable {
  /** Path of the hub protocol endpoint. */
  public static final String HUB_PATH = "/ws";

  /** Path of the echo endpoint. */
  public static final String ECHO_PATH = "/echo";

  private final Hub hub;
  private final EndpointOptions options;
  private final TransportFactory transports;
  private final Closer closer = new Closer();
  private final SessionChannels sessionChannels;
  private final SessionAccess access;

  /** Open sessions of both endpoints, so shutdown can wait for them. */
  private final OpenSessions sessions = new OpenSessions();

  public WebSocketEndpoints(Hub hub, EndpointOptions options, TransportFactory transports) {
    this.hub = hub;
    this.options = options;
    this.transports = transports;
    this.sessionChannels = new SessionChannels(hub, this);
    this.access = new SessionAccess(options.access(), transports);
  }

  /** Where an application's own endpoints attach their sessions to hub channels. */
  public SessionChannels sessionChannels() {
    return sessionChannels;
  }

  /** The transport for a new session: the factory's, over the portable one. */
  Transport transport(Session session) {
    return transports.create(session, new JakartaTransport(session, closer));
  }

  /**
   * Counts a close the container reported in onClose that Switchboard did not make (its own closes
   * are counted where they are made), if the container made it: invalid UTF-8 (1007), a protocol
   * error it caught (1002), a message over one of its limits (1009), its own failure (1011). A
   * close the peer began and the container only answered is no server close, nor is a code that
   * never goes on the wire (1005, 1006, 1015: the connection just went away).
   *
   * <p>The standalone server's transport sees the peer's close frames and tells exactly. The
   * portable API does not show them, so there the codes implementations send on their own are
   * counted, and a client that closes with one of those codes is counted too.
   */
  void countContainerClose(int code, Transport transport) {
    if (!CloseCode.isSendable(code)) {
      return;
    }
    boolean byContainer =
        switch (transport.closeOrigin(code)) {
          case CONTAINER -> true;
          case PEER -> false;
          case UNKNOWN -> CloseCode.isImplementationCode(code);
        };
    if (byContainer) {
      hub.metrics().close(code);
    }
  }

  /** The endpoint configurations at the default paths, {@code /ws} and {@code /echo}. */
  public List<ServerEndpointConfig> configs() {
    return configs(HUB_PATH, true);
  }

  /**
   * The endpoint configurations to register with a {@code ServerContainer}: the annotated {@link
   * HubEndpoint} at {@code hubPath} and, if asked, {@link EchoEndpoint} at {@value #ECHO_PATH}.
   * Each carries a configurator that makes the endpoint instances with this deployment's hub and
   * checks the origin, so it is registered with {@code ServerContainer.addEndpoint(config)} (the
   * class alone could not be instantiated).
   *
   * <p>The configs name each endpoint's programmatic {@code Registered} adapter, not the annotated
   * class: Jakarta WebSocket lets a config name an annotated class, but only Tomcat and WildFly
   * then use the config's configurator. Jetty 12 uses the annotation's, Open Liberty refuses a
   * class without a public no-argument constructor, and Tyrus 2.2 (standalone, GlassFish, Payara)
   * ignores the config for the annotation's path and configurator (WAR tests, docs/JAKARTA-EE.md).
   * The adapter is registered the same way by every container and calls the annotated methods
   * directly.
   *
   * @param hubPath the hub endpoint's path in the application, starting with {@code /}
   * @param withEcho whether to include the echo endpoint
   */
  public List<ServerEndpointConfig> configs(String hubPath, boolean withEcho) {
    if (!hubPath.startsWith("/") || (withEcho && hubPath.equals(ECHO_PATH))) {
      throw new IllegalArgumentException(
          "the hub endpoint path must start with / and differ from " + ECHO_PATH + ": " + hubPath);
    }
    ServerEndpointConfig ws =
        ServerEndpointConfig.Builder.create(HubEndpoint.Registered.class, hubPath)
            .subprotocols(List.of(SwitchboardConfigurator.SUBPROTOCOL))
            .configurator(
                new SwitchboardConfigurator(
                    () -> new HubEndpoint.Registered(new HubEndpoint(hub, options, this)),
                    hubPath,
                    options,
                    hub.metrics()))
            .build();
    if (!withEcho) {
      return List.of(ws);
    }
    ServerEndpointConfig echo =
        ServerEndpointConfig.Builder.create(EchoEndpoint.Registered.class, ECHO_PATH)
            .configurator(
                new SwitchboardConfigurator(
                    () -> new EchoEndpoint.Registered(new EchoEndpoint(hub, options, this)),
                    ECHO_PATH,
                    options,
                    hub.metrics()))
            .build();
    return List.of(ws, echo);
  }

  /**
   * No session idle timeout: a negative value means never (Jakarta WebSocket), and Tyrus then
   * schedules nothing. With any other value Tyrus 2.2 schedules a task on every message received or
   * sent (with 0, one that runs at once; with a timeout, one that stays queued after it is
   * cancelled until its time comes: 300,000 pings on 100 connections held 299,687 tasks for a 40 s
   * timeout). The hub's sweep pings silent sessions of both endpoints and closes those that do not
   * answer (4001), which bounds a dead peer's life in every container.
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

  /**
   * The headers and cookies of a request that the configuration forwards to the application's
   * decisions ({@code proxy.headers}, {@code proxy.cookies}), as a session of {@code /ws} keeps
   * them: for the fallback transport's streams.
   */
  public java.util.Map<String, String> forwarded(java.util.Map<String, List<String>> headers) {
    return ForwardedHeaders.of(headers, options);
  }

  /** The largest message any endpoint accepts, for containers that need a frame buffer size. */
  public int largestMessageSize() {
    return Math.max(options.maxMessageSize(), options.echoMaxMessageSize());
  }

  /** The handshake access log, for servers that refuse handshakes before the endpoints. */
  public AccessLog accessLog() {
    return options.access();
  }

  /** Where the endpoints write their sessions' access log lines. */
  SessionAccess access() {
    return access;
  }

  Closer closer() {
    return closer;
  }

  /** Where the endpoints report their sessions opening and closing. */
  OpenSessions sessions() {
    return sessions;
  }

  /** Sessions open now on both endpoints. */
  public int openSessions() {
    return sessions.count();
  }

  /**
   * Waits up to {@code grace} until every session has closed. The hub closes them (with 1012 at
   * shutdown), echo sessions too: they are its plain connections.
   *
   * @return whether all sessions closed in time
   */
  public boolean awaitAllClosed(Duration grace) throws InterruptedException {
    return sessions.awaitAllClosed(grace);
  }

  @Override
  public void close() {
    closer.close();
  }
}
