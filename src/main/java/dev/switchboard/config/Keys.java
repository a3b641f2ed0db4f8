package dev.switchboard.config;

import static dev.switchboard.config.KeyTable.section;

import java.util.ArrayList;
import java.util.List;

/** The table of every key declared in this package, in the order the documentation lists them. */
public final class Keys {
  private static final String WEB_INTRO =
      "Also set as context parameters switchboard.<key> in the application's WEB-INF/web.xml, which"
          + " the file, environment variables and system properties override. The container owns"
          + " the port, TLS and the pages there: the Network, TLS and connection-limit keys do not"
          + " apply.";

  /**
   * Every key of this package. The composition root adds the keys of other areas' types with {@link
   * KeyTable#with} to make the table the documented defaults file is produced from.
   */
  public static final KeyTable TABLE =
      KeyTable.of(
          section("Network", "", ServerKeys.HOST, ServerKeys.PORT),
          section(
              "TLS (standalone)", "", ServerKeys.TLS_KEYSTORE, ServerKeys.TLS_KEYSTORE_PASSWORD),
          section(
              "Engine",
              "",
              EngineKeys.ENGINE,
              EngineKeys.REDIS_URI,
              EngineKeys.REDIS_TIMEOUT,
              EngineKeys.REDIS_PRESENCE_TTL,
              EngineKeys.REDIS_CANARY_INTERVAL,
              EngineKeys.REDIS_FAIL_FAST,
              EngineKeys.REDIS_CONNECT_RETRY_MAX),
          section(
              "WebSocket limits",
              "",
              WsKeys.MAX_MESSAGE_SIZE,
              WsKeys.SSE_ENABLED,
              WsKeys.MAX_FRAGMENTS,
              WsKeys.PING_INTERVAL,
              WsKeys.PONG_TIMEOUT,
              WsKeys.HANDSHAKE_TIMEOUT,
              WsKeys.RATE_MESSAGES,
              WsKeys.RATE_BYTES,
              WsKeys.SEND_BUFFER,
              WsKeys.SEND_TIMEOUT,
              WsKeys.ECHO_MAX_MESSAGE_SIZE,
              WsKeys.OUTBOX_MAX_BYTES,
              WsKeys.MAX_SUBSCRIPTIONS,
              WsKeys.FANOUT_THREADS),
          section(
              "Compression (standalone server)",
              "",
              DeflateKeys.ENABLED,
              DeflateKeys.THRESHOLD,
              DeflateKeys.LEVEL,
              DeflateKeys.CLIENT_NO_CONTEXT_TAKEOVER,
              DeflateKeys.CLIENT_MAX_WINDOW_BITS),
          section(
              "Connection limits (standalone server)",
              "",
              ServerKeys.MAX_CONNECTIONS,
              ServerKeys.MAX_CONNECTIONS_PER_IP,
              ServerKeys.CONNECT_RATE,
              ServerKeys.TRUSTED_PROXIES),
          section(
              "Authentication",
              AuthKeys.ROLES_INTRO,
              AuthKeys.REQUIRED,
              AuthKeys.HMAC_SECRET,
              AuthKeys.KEYS_FILE,
              AuthKeys.ISSUER,
              AuthKeys.AUDIENCE,
              AuthKeys.CONTAINER),
          section("HTTP API", "", ServerKeys.HTTP_MAX_BODY_SIZE, ServerKeys.METRICS_ENABLED),
          section("Traces", "", ServerKeys.TRACING),
          section("Namespaces", NamespaceKeys.INTRO, namespaces()),
          section(
              "Lifecycle and files",
              "",
              ServerKeys.SHUTDOWN_DRAIN,
              ServerKeys.SHUTDOWN_SPREAD,
              ServerKeys.SHUTDOWN_TIMEOUT,
              ServerKeys.STATIC_DIR),
          section("Logging", LogKeys.INTRO, LogKeys.ACCESS, LogKeys.FORMAT, LogKeys.LEVEL),
          section("Kafka bridges", KafkaKeys.INTRO),
          section(
              "Backend decisions over HTTP (proxy)",
              ProxyKeys.INTRO,
              ProxyKeys.CONNECT_URL,
              ProxyKeys.SUBSCRIBE_URL,
              ProxyKeys.PUBLISH_URL,
              ProxyKeys.RPC_URL,
              ProxyKeys.REFRESH_URL,
              ProxyKeys.TIMEOUT,
              ProxyKeys.RETRIES,
              ProxyKeys.MAX_IN_FLIGHT,
              ProxyKeys.FAIL,
              ProxyKeys.HEADERS,
              ProxyKeys.COOKIES),
          section(
              "Web application (switchboard.war, or the library jar in your own application)",
              WEB_INTRO,
              WebKeys.ENABLED,
              WebKeys.WS_PATH,
              WebKeys.ECHO,
              WebKeys.API,
              WebKeys.DOCS));

  private Keys() {}

  private static Key<?>[] namespaces() {
    List<Key<?>> keys = new ArrayList<>(List.of(NamespaceKeys.STRICT));
    keys.addAll(NamespaceKeys.OPTIONS);
    keys.addAll(NamespaceKeys.DEMO);
    keys.add(EngineKeys.HISTORY_META_TTL);
    return keys.toArray(new Key<?>[0]);
  }
}
