package dev.switchboard.server;

import dev.switchboard.hub.HubMetrics;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.function.Supplier;

/**
 * Hands endpoints their collaborators (no static state: each endpoint instance is made here with
 * the deployment's hub), checks the origin before the upgrade and negotiates the subprotocol.
 */
final class SwitchboardConfigurator extends ServerEndpointConfig.Configurator {
  /** The hub protocol's subprotocol name. */
  static final String SUBPROTOCOL = "switchboard.v1";

  private final Supplier<Object> endpoints;
  private final OriginPolicy origins;
  private final HubMetrics metrics;

  SwitchboardConfigurator(Supplier<Object> endpoints, OriginPolicy origins, HubMetrics metrics) {
    this.endpoints = endpoints;
    this.origins = origins;
    this.metrics = metrics;
  }

  @Override
  public <T> T getEndpointInstance(Class<T> endpointClass) {
    return endpointClass.cast(endpoints.get());
  }

  @Override
  public boolean checkOrigin(String originHeaderValue) {
    boolean allowed = origins.allows(originHeaderValue);
    if (!allowed) {
      metrics.handshakeRefused();
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
