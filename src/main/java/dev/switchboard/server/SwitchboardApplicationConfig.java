package dev.switchboard.server;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keeps a web application's scan from deploying Switchboard's own endpoints: {@link HubEndpoint}
 * and {@link EchoEndpoint} carry {@code @ServerEndpoint}, but their instances need the deployment's
 * hub and their path is configured, so Switchboard registers them itself (only when enabled, at the
 * configured path) through {@link WebSocketEndpoints#configs(String, boolean)}.
 *
 * <p>A container that finds one or more {@code ServerApplicationConfig} in a WAR deploys the union
 * of what they return, and no longer every scanned annotated endpoint (Jakarta WebSocket 2.1,
 * §6.2). So this one returns what the container would deploy without any: every scanned annotated
 * endpoint of the application except Switchboard's, and no programmatic endpoint (those are
 * deployed only when a {@code ServerApplicationConfig} or a listener asks). An application with a
 * {@code ServerApplicationConfig} of its own should leave Switchboard's classes out of its result
 * too, with {@link #withoutSwitchboard}: the union would otherwise deploy them a second time.
 */
public final class SwitchboardApplicationConfig implements ServerApplicationConfig {
  /** Switchboard's annotated endpoints, by name: the scan may hand over classes of any loader. */
  private static final Set<String> OWN =
      Set.of(HubEndpoint.class.getName(), EchoEndpoint.class.getName());

  @Override
  public Set<ServerEndpointConfig> getEndpointConfigs(
      Set<Class<? extends Endpoint>> endpointClasses) {
    return Set.of();
  }

  @Override
  public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
    return withoutSwitchboard(scanned);
  }

  /** {@code scanned} without Switchboard's own endpoint classes. */
  public static Set<Class<?>> withoutSwitchboard(Set<Class<?>> scanned) {
    Set<Class<?>> kept = new LinkedHashSet<>();
    for (Class<?> c : scanned) {
      if (!OWN.contains(c.getName())) {
        kept.add(c);
      }
    }
    return kept;
  }

  /**
   * The configurator named in the endpoints' annotations, used only if a container deploys them
   * from the annotation after all (another {@code ServerApplicationConfig} returned them): every
   * handshake then fails with this explanation instead of reaching an endpoint without a hub.
   * Registered through {@link WebSocketEndpoints#configs}, the endpoints use their own
   * configurator.
   */
  public static final class NotScanned extends ServerEndpointConfig.Configurator {
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
      throw new InstantiationException(
          endpointClass.getName()
              + " was deployed from its annotation; Switchboard registers it itself at the"
              + " configured path: leave it out of ServerApplicationConfig results"
              + " (SwitchboardApplicationConfig.withoutSwitchboard)");
    }
  }
}
