package dev.switchboard.standalone;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.config.AuthKeys;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.DeflateKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.ServerKeys;
import dev.switchboard.config.WsKeys;
import dev.switchboard.frame.MessageDeflater;
import dev.switchboard.server.WebSocketEndpoints;
import dev.switchboard.sse.SseSessions;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;

/**
 * The standalone server: one Grizzly listener on the configured host and port serving the WebSocket
 * endpoints (Tyrus), the web pages, the HTTP API and, when a keystore is configured, TLS for all of
 * them.
 *
 * <p>Lifecycle: {@link #start} binds and returns a running server; {@link #stop} turns not ready,
 * closes clients with 1012 (service restart) within the configured shutdown timeout and releases
 * the port. Thread-safe.
 */
public final class StandaloneServer implements AutoCloseable {
  /** Frame header room on top of the largest message: 2 + 8 length + 4 mask bytes, rounded up. */
  private static final int FRAME_OVERHEAD = 16;

  /** Time granted to flush close frames even when the drain used up the grace period. */
  private static final Duration FLUSH_MIN = Duration.ofMillis(200);

  private final ServerAssembly assembly;
  private final HttpServer http;
  private final NetworkListener listener;
  private final ConnectionTracker connections;
  private final TyrusContainer container;
  private final Deflate deflate;
  private final boolean tls;
  private boolean stopped;

  /** What {@link #start} built around the assembly's endpoints. */
  private record Parts(
      HttpServer http,
      NetworkListener listener,
      ConnectionTracker connections,
      TyrusContainer container,
      Deflate deflate) {}

  private StandaloneServer(ServerAssembly assembly, Parts parts, boolean tls) {
    this.assembly = assembly;
    this.http = parts.http();
    this.listener = parts.listener();
    this.connections = parts.connections();
    this.container = parts.container();
    this.deflate = parts.deflate();
    this.tls = tls;
  }

  /**
   * Builds and starts a server.
   *
   * @throws IOException when the port cannot be bound
   * @throws ConfigException when the TLS keystore cannot be used, a value the assembly parses
   *     (origins, API keys, Redis prefix, role grants) is invalid, or authentication is required
   *     without token keys
   */
  public static StandaloneServer start(ServerConfig config) throws IOException {
    if (config.get(AuthKeys.REQUIRED) && !config.verifiesTokens()) {
      throw new ConfigException(
          "auth.required=true needs auth.hmac-secret or auth.keys-file on the standalone server:"
              + " it has no container users to authenticate");
    }
    Admission admission =
        new Admission(
            config.get(ServerKeys.MAX_CONNECTIONS),
            config.get(ServerKeys.MAX_CONNECTIONS_PER_IP),
            config.get(ServerKeys.CONNECT_RATE),
            trustedProxies(config));
    ConnectionTracker connections =
        new ConnectionTracker(
            config.get(WsKeys.HANDSHAKE_TIMEOUT), config.get(WsKeys.SEND_BUFFER), admission);
    Deflate deflate = new Deflate(config);
    ServerAssembly assembly;
    try {
      assembly =
          new ServerAssembly(
              config, ownOrigins(config), TyrusRawTransportFactory.create(connections, deflate));
    } catch (RuntimeException e) {
      connections.close();
      throw e;
    }
    if (config.get(DeflateKeys.ENABLED)) {
      MessageDeflater d = deflate.deflater();
      assembly.countDeflate(d::frames, d::bytesIn, d::bytesOut);
    }
    try {
      NetworkListener listener =
          new NetworkListener("switchboard", host(config), config.get(ServerKeys.PORT));
      // Grizzly's keep-alive timeout would also close idle upgraded WebSockets; the tracker's
      // handshake timeout bounds plain HTTP connections and the hub's pings WebSocket ones.
      listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
      if (assembly.proxy() != null) {
        // Frames are read on the selector threads by default: a backend decision blocking one
        // would stall every connection of that selector. On workers, proxy.max-in-flight bounds
        // the ones a slow backend holds and the others go on reading.
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
      }
      if (tls(config)) {
        listener.setSecure(true);
        listener.setSSLEngineConfig(
            new SSLEngineConfigurator(sslContext(config), false, false, false));
      }
      TyrusContainer container =
          new TyrusContainer(assembly.endpoints().largestMessageSize() + FRAME_OVERHEAD);
      assembly.endpoints().prepare(container);
      for (ServerEndpointConfig endpoint : assembly.endpoints().configs()) {
        boolean echo = endpoint.getPath().equals(WebSocketEndpoints.ECHO_PATH);
        int max = config.get(echo ? WsKeys.ECHO_MAX_MESSAGE_SIZE : WsKeys.MAX_MESSAGE_SIZE);
        container.register(deflate.wrap(endpoint, max));
      }
      listener.registerAddOn(connections);
      listener.registerAddOn(JsonErrorCodec.addOn(assembly.hub().metrics()));
      // After the codec swap (it reads the final codec's request attribute); in front of the rest.
      UpgradedReads reads =
          new UpgradedReads(
              connections, assembly.hub().metrics(), HandshakeFilter.TyrusAttributes.find());
      listener.registerAddOn(reads.addOn());
      listener.registerAddOn(NotHttpFilter.addOn(assembly.hub().metrics()));
      // Each add-on below inserts itself in front of the handlers, so they run in the order
      // registered: targets first (the gate relies on WebSocket paths being named exactly), then
      // the gate, then Tyrus, which the gate must precede.
      listener.registerAddOn(RequestTargetFilter.addOn(assembly.hub().metrics()));
      listener.registerAddOn(
          HandshakeFilter.addOn(
              assembly.endpoints(),
              assembly.hub().metrics(),
              connections,
              admission,
              new HandshakeFilter.Limits(
                  config.get(WsKeys.MAX_MESSAGE_SIZE),
                  config.get(WsKeys.ECHO_MAX_MESSAGE_SIZE),
                  config.get(WsKeys.MAX_FRAGMENTS)),
              reads));
      listener.registerAddOn(new WebSocketAddOn(container, "/"));

      HttpServer http = new HttpServer();
      http.addListener(listener);
      ServerConfiguration sc = http.getServerConfiguration();
      sc.setHttpServerName("Switchboard");
      sc.setHttpServerVersion(ServerAssembly.version());
      sc.setJmxEnabled(false);
      sc.setPassTraceRequest(false);
      sc.setDefaultQueryEncoding(StandardCharsets.UTF_8);
      sc.setDefaultErrorPageGenerator(new ErrorPages());
      sc.addHttpHandler(
          new ApiHandler(assembly.api()),
          HttpHandlerRegistration.fromString("/health"),
          HttpHandlerRegistration.fromString("/ready"),
          HttpHandlerRegistration.fromString("/metrics"),
          HttpHandlerRegistration.fromString("/api/*"));
      SseSessions sse = assembly.sse();
      if (sse != null) {
        sc.addHttpHandler(
            new SseHandler(sse, admission, connections, assembly.hub().metrics()),
            HttpHandlerRegistration.fromString(ServerAssembly.SSE_PATH),
            HttpHandlerRegistration.fromString(ServerAssembly.SSE_PATH + "/*"));
      }
      sc.addHttpHandler(new DocsHandler(), HttpHandlerRegistration.fromString("/docs/*"));
      sc.addHttpHandler(staticPages(config), HttpHandlerRegistration.ROOT);
      http.start();
      return new StandaloneServer(
          assembly, new Parts(http, listener, connections, container, deflate), tls(config));
    } catch (DeploymentException e) {
      assembly.close();
      connections.close();
      throw new IllegalStateException("endpoint registration failed", e);
    } catch (IOException | RuntimeException e) {
      assembly.close();
      connections.close();
      throw e;
    }
  }

  /** TCP connections open now (WebSocket and plain HTTP). */
  public int openConnections() {
    return connections.openCount();
  }

  /** The tracker of this server's TCP connections, for tests that look inside them. */
  ConnectionTracker connectionTracker() {
    return connections;
  }

  /** The Tyrus container serving the endpoints, for tests that look inside it. */
  TyrusContainer tyrusContainer() {
    return container;
  }

  /**
   * The shared permessage-deflate compressor: its counters tell how many publications were
   * compressed (once each, however many subscribers) and the bytes before and after.
   */
  public MessageDeflater deflater() {
    return deflate.deflater();
  }

  /** The port bound (the real one when 0 was configured). */
  /** The connections this server tracks (tests look into them). */
  ConnectionTracker connections() {
    return connections;
  }

  public int port() {
    return listener.getPort();
  }

  /** {@code http://host:port} or {@code https://host:port}. */
  public URI httpUri() {
    return URI.create((tls ? "https" : "http") + "://" + hostForUri() + ":" + port());
  }

  /** {@code ws://host:port} or {@code wss://host:port}. */
  public URI wsUri() {
    return URI.create((tls ? "wss" : "ws") + "://" + hostForUri() + ":" + port());
  }

  public ServerAssembly assembly() {
    return assembly;
  }

  /** Drains within the configured shutdown timeout, then stops. */
  @Override
  public void close() {
    stop(assembly.config().get(ServerKeys.SHUTDOWN_TIMEOUT));
  }

  /**
   * Stops gracefully within {@code grace} ({@link ServerAssembly#stopGracefully}): not ready for
   * {@code shutdown.drain}, then the port is unbound (new TCP connections are refused), every
   * client is closed with 1012 spread over {@code shutdown.spread}, and the server waits for them
   * until {@code grace} is up; then it flushes the close frames and stops. Idempotent.
   */
  public synchronized void stop(Duration grace) {
    if (stopped) {
      return;
    }
    stopped = true;
    long deadline = System.nanoTime() + grace.toNanos();
    assembly.stopGracefully(grace, this::unbind);
    // Let the close frames out before the sockets go.
    connections.closeGracefully(Math.max(deadline, System.nanoTime() + FLUSH_MIN.toNanos()));
    connections.close();
    http.shutdownNow();
    assembly.close();
  }

  /** Refuses new TCP connections; the connections open stay. */
  private void unbind() {
    try {
      listener.getTransport().unbindAll();
    } catch (RuntimeException e) {
      // Unbinding is best effort; shutdownNow releases the port anyway.
    }
  }

  private String hostForUri() {
    String h = listener.getHost();
    if (h.equals("0.0.0.0") || h.equals("::")) {
      return "127.0.0.1";
    }
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** The server's own origins, allowed by default next to localhost. */
  private static List<String> ownOrigins(ServerConfig config) {
    List<String> origins = new ArrayList<>();
    String host = host(config);
    int port = config.get(ServerKeys.PORT);
    if (port != 0 && !host.equals("0.0.0.0") && !host.equals("::")) {
      String h = host.contains(":") ? "[" + host + "]" : host;
      origins.add((tls(config) ? "https" : "http") + "://" + h + ":" + port);
    }
    return origins;
  }

  private static HttpHandler staticPages(ServerConfig config) {
    return config
        .get(ServerKeys.STATIC_DIR)
        .map(StaticPages::folder)
        .orElseGet(StaticPages::classpath);
  }

  private static TrustedProxies trustedProxies(ServerConfig config) {
    try {
      return TrustedProxies.parse(config.get(ServerKeys.TRUSTED_PROXIES));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "invalid value for " + ServerKeys.TRUSTED_PROXIES.name() + ": " + e.getMessage());
    }
  }

  private static String host(ServerConfig config) {
    return config.get(ServerKeys.HOST);
  }

  /** Whether the standalone server speaks TLS: a keystore is configured. */
  private static boolean tls(ServerConfig config) {
    return config.get(ServerKeys.TLS_KEYSTORE).isPresent();
  }

  private static SSLContext sslContext(ServerConfig config) {
    char[] password = config.get(ServerKeys.TLS_KEYSTORE_PASSWORD).toCharArray();
    Path keystore = config.get(ServerKeys.TLS_KEYSTORE).orElseThrow();
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("cannot use tls.keystore " + keystore + ": " + e.getMessage());
    }
  }
}
