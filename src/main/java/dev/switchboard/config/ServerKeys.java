package dev.switchboard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Keys of the server process: where the standalone server listens, its TLS and connection limits,
 * the HTTP API's body limit, shutdown and the pages it serves.
 */
public final class ServerKeys {
  /** 1 GiB: above this a single message is a mistake, not a use case. */
  static final int MAX_MESSAGE = 1 << 30;

  /** Upper bound of the counts and rates below: far above what one node can hold or accept. */
  private static final int MAX_COUNT = 10_000_000;

  public static final Key<String> HOST =
      new Key<>(
          "server.host",
          "127.0.0.1",
          Parser.matching("a host name or IP address to bind, like 127.0.0.1", s -> !s.isEmpty()),
          "Address the standalone server binds. 0.0.0.0 listens on every interface.");

  public static final Key<Integer> PORT =
      new Key<>(
          "server.port",
          "8080",
          Parser.integer(0, 65535),
          "Port of the standalone server: HTTP, WebSocket and the API share it. 0 picks a free"
              + " port.");

  public static final Key<Optional<Path>> TLS_KEYSTORE =
      new Key<>(
          "tls.keystore",
          "",
          Parser.optionalFile(),
          "PKCS12 keystore with the server's key and certificate; when set, the port speaks https"
              + " and wss only.");

  public static final Key<String> TLS_KEYSTORE_PASSWORD =
      new Key<>(
          "tls.keystore-password",
          "",
          Parser.string(),
          "Password of the keystore (and of its key).");

  public static final Key<Integer> MAX_CONNECTIONS =
      new Key<>(
          "limits.max-connections",
          "18000",
          Parser.integer(1, MAX_COUNT),
          "Most WebSocket connections this node holds; more are refused with HTTP 503. Each costs"
              + " a file descriptor: keep it under the process's open-file limit.");

  public static final Key<Integer> MAX_CONNECTIONS_PER_IP =
      new Key<>(
          "limits.max-connections-per-ip",
          "5000",
          Parser.integer(1, MAX_COUNT),
          "Most WebSocket connections from one remote address (behind limits.trusted-proxies,"
              + " the client address they name); more are refused with HTTP 429.");

  public static final Key<String> TRUSTED_PROXIES =
      new Key<>(
          "limits.trusted-proxies",
          "",
          Parser.matching(
              "IP addresses or CIDR ranges separated by commas, like 127.0.0.1, 10.0.0.0/8",
              s -> s.matches("[0-9A-Fa-f.:/,\\s]*")),
          "Reverse proxies whose X-Forwarded-For names the client that"
              + " limits.max-connections-per-ip counts: the right-most address there that is not"
              + " one of these. List only the proxies' own addresses. Nothing else believes the"
              + " header: the HTTP API still treats a forwarded request as not local.");

  public static final Key<Integer> CONNECT_RATE =
      new Key<>(
          "limits.connect-rate",
          "1000",
          Parser.integer(1, MAX_COUNT),
          "New WebSocket connections accepted per second (bursts up to twice as many); more get"
              + " HTTP 429.");

  public static final Key<Integer> HTTP_MAX_BODY_SIZE =
      new Key<>(
          "http.max-body-size",
          "1MiB",
          Parser.intSize(64, MAX_MESSAGE),
          "Largest request body the HTTP API reads; larger bodies get 413.");

  public static final Key<Boolean> METRICS_ENABLED =
      new Key<>(
          "metrics.enabled",
          "true",
          Parser.bool(),
          "Serve GET /metrics (Prometheus text format). false builds no registry, binds no"
              + " meters and answers /metrics with 404, as an unknown path.");

  public static final Key<Duration> SHUTDOWN_DRAIN =
      new Key<>(
          "shutdown.drain",
          "0s",
          Parser.duration(Duration.ZERO, Duration.ofMinutes(10)),
          "On SIGTERM or undeploy: how long /ready answers 503 (reason draining) before any client"
              + " is closed, while connections are still accepted, so that load balancers stop"
              + " routing here first. Set it to the time your balancer's health checks take to"
              + " mark a node down; 0 (no balancer, or one told otherwise) stops at once.");

  public static final Key<Duration> SHUTDOWN_SPREAD =
      new Key<>(
          "shutdown.spread",
          "5s",
          Parser.duration(Duration.ZERO, Duration.ofMinutes(10)),
          "After the drain: clients are closed with 1012 (service restart) in random order,"
              + " spread evenly over this long so that they do not all reconnect at once. At most"
              + " 10 ms per connection: a handful of connections close at once.");

  public static final Key<String> TRACING =
      new Key<>(
          "tracing",
          "auto",
          Parser.oneOf("auto", "on", "off"),
          "OpenTelemetry spans for publish and fan-out. auto: only when an OpenTelemetry is"
              + " registered as GlobalOpenTelemetry when the server starts (an agent or the"
              + " application did); on: use GlobalOpenTelemetry.get() (also triggers the SDK's"
              + " autoconfiguration when present); off: none. Trace contexts are carried to"
              + " subscribers in every case.");

  public static final Key<Duration> SHUTDOWN_TIMEOUT =
      new Key<>(
          "shutdown.timeout",
          "10s",
          Parser.duration(Duration.ZERO, Duration.ofMinutes(10)),
          "The cap on the whole stop: drain, spread, and waiting for clients to take their close"
              + " (drain and spread are shortened to fit in it; give it a few seconds more than"
              + " their sum). When it is up the server stops anyway; on SIGTERM the process is"
              + " halted 5 s later if it has still not exited.");

  public static final Key<Optional<Path>> STATIC_DIR =
      new Key<>(
          "static.dir",
          "",
          Parser.optionalDirectory(),
          "Serve the web pages from this directory instead of the copy bundled in the jar.");

  private ServerKeys() {}
}
