package dev.switchboard.assembly;

import dev.switchboard.auth.RoleGrants;
import dev.switchboard.auth.TokenVerifier;
import dev.switchboard.config.AuthKeys;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.EngineKeys;
import dev.switchboard.config.LogKeys;
import dev.switchboard.config.NamespaceKeys;
import dev.switchboard.config.Parser;
import dev.switchboard.config.ProxyKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.ServerKeys;
import dev.switchboard.config.WsKeys;
import dev.switchboard.engine.redis.RedisOptions;
import dev.switchboard.hub.ConnectionPolicy;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.hub.NamespaceOptions;
import dev.switchboard.hub.Namespaces;
import dev.switchboard.log.AccessLog;
import dev.switchboard.proxy.ProxyDecisions;
import dev.switchboard.proxy.ProxyOptions;
import dev.switchboard.server.EndpointOptions;
import dev.switchboard.server.OriginPolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Each area's options, built from the configuration's typed keys. The areas know nothing of
 * configuration; this is where a key meets the option it sets.
 */
final class AreaOptions {
  private AreaOptions() {}

  /** The hub's options. */
  static HubOptions hub(ServerConfig config, ConnectionPolicy policy) {
    return new HubOptions(
        config.get(WsKeys.OUTBOX_MAX_BYTES),
        config.get(WsKeys.MAX_SUBSCRIPTIONS),
        namespaces(config),
        config.get(WsKeys.FANOUT_THREADS),
        policy);
  }

  /** The hub's namespaces from the configured ones. */
  static Namespaces namespaces(ServerConfig config) {
    Map<String, NamespaceOptions> named = new LinkedHashMap<>();
    for (String name : config.namespaces()) {
      named.put(name, namespace(config, name));
    }
    return new Namespaces(
        namespace(config, ServerConfig.DEFAULT_NAMESPACE), named, config.get(NamespaceKeys.STRICT));
  }

  /** One namespace's options; an option it does not set comes from the default namespace. */
  private static NamespaceOptions namespace(ServerConfig config, String name) {
    return new NamespaceOptions(
        config.get(NamespaceKeys.HISTORY_SIZE, name),
        config.get(NamespaceKeys.HISTORY_TTL, name),
        config.get(NamespaceKeys.PRESENCE, name),
        config.get(NamespaceKeys.JOIN_LEAVE, name),
        config.get(NamespaceKeys.PUBLISH, name),
        config.get(NamespaceKeys.MAX_MESSAGE_SIZE, name));
  }

  /** What every connection is held to: authentication, rates and liveness. */
  static ConnectionPolicy policy(ServerConfig config) {
    String secret = config.get(AuthKeys.HMAC_SECRET);
    Optional<Path> keysFile = config.get(AuthKeys.KEYS_FILE);
    TokenVerifier tokens = null;
    if (!secret.isEmpty() || keysFile.isPresent()) {
      try {
        tokens =
            TokenVerifier.create(
                secret,
                keysFile.orElse(null),
                config.get(AuthKeys.ISSUER),
                config.get(AuthKeys.AUDIENCE),
                InstantSource.system());
      } catch (IOException e) {
        throw new ConfigException("cannot use auth.keys-file: " + e.getMessage());
      }
    }
    return new ConnectionPolicy(
        config.get(AuthKeys.REQUIRED),
        tokens,
        config.get(WsKeys.HANDSHAKE_TIMEOUT),
        config.get(WsKeys.RATE_MESSAGES),
        config.get(WsKeys.RATE_BYTES),
        config.get(WsKeys.PING_INTERVAL),
        config.get(WsKeys.PONG_TIMEOUT),
        config.get(WsKeys.SEND_TIMEOUT));
  }

  /** The WebSocket endpoints' options. */
  static EndpointOptions endpoints(ServerConfig config, OriginPolicy origins, RoleGrants roles) {
    return new EndpointOptions(
        config.get(WsKeys.MAX_MESSAGE_SIZE),
        config.get(WsKeys.ECHO_MAX_MESSAGE_SIZE),
        origins,
        config.get(AuthKeys.CONTAINER),
        roles,
        AccessLog.create(config.get(LogKeys.ACCESS)),
        names(config.get(ProxyKeys.HEADERS), true),
        names(config.get(ProxyKeys.COOKIES), false));
  }

  /** The names of a comma-separated list; header names lower-cased (they ignore case). */
  private static java.util.Set<String> names(String list, boolean lowerCase) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (String n : list.split(",")) {
      String name = n.trim();
      if (!name.isEmpty()) {
        out.add(lowerCase ? name.toLowerCase(java.util.Locale.ROOT) : name);
      }
    }
    return out;
  }

  /** The permissions of container roles ({@code auth.role.<role>}); a bad grant stops start-up. */
  static RoleGrants roles(ServerConfig config) {
    return new RoleGrants(
        config.roles(
            Parser.of(
                "comma-separated capability:pattern, like subscribe:orders:*,publish:chat:*",
                RoleGrants::parse)));
  }

  /** The Redis engine's options. */
  static RedisOptions redis(ServerConfig config) {
    return new RedisOptions(
        config.get(EngineKeys.REDIS_URI),
        config.get(ConfigKeys.REDIS_PREFIX),
        config.get(EngineKeys.REDIS_TIMEOUT),
        config.get(EngineKeys.HISTORY_META_TTL),
        config.get(EngineKeys.REDIS_PRESENCE_TTL),
        config.get(EngineKeys.REDIS_CANARY_INTERVAL),
        InstantSource.system());
  }

  /** Largest request body of the HTTP API. */
  static int maxBodySize(ServerConfig config) {
    return config.get(ServerKeys.HTTP_MAX_BODY_SIZE);
  }

  /** The proxy decisions the {@code proxy.*} keys configure, or null when no URL is set. */
  static @Nullable ProxyDecisions proxy(ServerConfig config) {
    ProxyOptions options =
        new ProxyOptions(
            uri(config.get(ProxyKeys.CONNECT_URL)),
            uri(config.get(ProxyKeys.SUBSCRIBE_URL)),
            uri(config.get(ProxyKeys.PUBLISH_URL)),
            uri(config.get(ProxyKeys.RPC_URL)),
            uri(config.get(ProxyKeys.REFRESH_URL)),
            config.get(ProxyKeys.TIMEOUT),
            config.get(ProxyKeys.RETRIES),
            "open".equals(config.get(ProxyKeys.FAIL)),
            maxInFlight(config.get(ProxyKeys.MAX_IN_FLIGHT)));
    return options.any() ? new ProxyDecisions(options) : null;
  }

  /** {@code proxy.max-in-flight}: 0 is one per processor, half Grizzly's worker threads. */
  private static int maxInFlight(int configured) {
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  private static @Nullable URI uri(String url) {
    return url.isEmpty() ? null : URI.create(url);
  }
}
