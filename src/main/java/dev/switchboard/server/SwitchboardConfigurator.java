package dev.switchboard.server;

import dev.switchboard.auth.Identity;
import dev.switchboard.hub.HandshakeResult;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.log.AccessLog;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Hands endpoints their collaborators (no static state: each endpoint instance is made here with
 * the deployment's hub), checks the origin before the upgrade and negotiates the subprotocol. Keeps
 * the handshake's origin for the access log, when that is on.
 */
final class SwitchboardConfigurator extends ServerEndpointConfig.Configurator {
  /** The hub protocol's subprotocol name. */
  static final String SUBPROTOCOL = "switchboard.v1";

  /** Session user property carrying the headers forwarded to decisions (a Map of String). */
  static final String FORWARDED_PROPERTY = "dev.switchboard.forwarded";

  /** Session user property carrying a bearer token from the handshake's Authorization header. */
  static final String TOKEN_PROPERTY = "dev.switchboard.token";

  private final Supplier<Object> endpoints;
  private final String path;
  private final EndpointOptions options;
  private final HubMetrics metrics;

  /**
   * @param endpoints makes an endpoint instance per session
   * @param path the endpoint's path, for the access log
   */
  SwitchboardConfigurator(
      Supplier<Object> endpoints, String path, EndpointOptions options, HubMetrics metrics) {
    this.endpoints = endpoints;
    this.path = path;
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public <T> T getEndpointInstance(Class<T> endpointClass) {
    return endpointClass.cast(endpoints.get());
  }

  /**
   * Keeps a bearer token from the {@code Authorization} header (non-browser clients) and the user
   * the container authenticated ({@link ContainerIdentity}) for the endpoint's onOpen. The user
   * properties of the config passed here are this session's copy.
   */
  @Override
  public void modifyHandshake(
      ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
    List<String> auth = request.getHeaders().get("Authorization");
    if (auth == null) {
      auth = request.getHeaders().get("authorization");
    }
    if (auth != null && auth.size() == 1 && auth.get(0).regionMatches(true, 0, "Bearer ", 0, 7)) {
      sec.getUserProperties().put(TOKEN_PROPERTY, auth.get(0).substring(7).trim());
    } else {
      sec.getUserProperties().remove(TOKEN_PROPERTY);
    }
    if (options.access() != AccessLog.OFF) {
      List<String> origin = request.getHeaders().get("Origin");
      if (origin == null) {
        origin = request.getHeaders().get("origin");
      }
      if (origin != null && !origin.isEmpty()) {
        sec.getUserProperties().put(SessionAccess.ORIGIN_PROPERTY, origin.get(0));
      } else {
        sec.getUserProperties().remove(SessionAccess.ORIGIN_PROPERTY);
      }
    }
    Map<String, String> forwarded = ForwardedHeaders.of(request.getHeaders(), options);
    if (forwarded.isEmpty()) {
      sec.getUserProperties().remove(FORWARDED_PROPERTY);
    } else {
      sec.getUserProperties().put(FORWARDED_PROPERTY, forwarded);
    }
    Identity user = ContainerIdentity.of(request, options.roles(), options.containerAuth());
    if (user != null) {
      sec.getUserProperties().put(ContainerIdentity.PROPERTY, user);
    } else {
      sec.getUserProperties().remove(ContainerIdentity.PROPERTY);
    }
  }

  @Override
  public boolean checkOrigin(String originHeaderValue) {
    boolean allowed = options.origins().allows(originHeaderValue);
    if (!allowed) {
      metrics.handshakeRefused(HandshakeResult.REFUSED_ORIGIN);
      // The container answers (403 in most, 404 in WildFly's Undertow) and tells the configurator
      // nothing of the client's address.
      AccessLog access = options.access();
      access.refused(path, null, originHeaderValue, 403, "origin not allowed", access.now());
    }
    return allowed;
  }

  /**
   * Picks {@value #SUBPROTOCOL} when the client offers it. A client that offers none, or only
   * others, is answered without a subprotocol and served the same protocol.
   */
  @Override
  public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
    for (String r : requested) {
      if (supported.contains(r)) {
        return r;
      }
    }
    return "";
  }
}
