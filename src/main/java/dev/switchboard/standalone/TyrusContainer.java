package dev.switchboard.standalone;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The smallest Tyrus server container that a Grizzly {@code WebSocketAddOn} can serve: it owns the
 * engine and registers endpoint configurations. Unlike Tyrus's own {@code Server} it neither
 * creates nor binds a server; {@link StandaloneServer} does, on the configured host.
 */
final class TyrusContainer extends TyrusServerContainer {
  private final TyrusWebSocketEngine engine;

  /**
   * @param incomingBufferSize the largest frame Tyrus buffers; frames above it are refused
   */
  TyrusContainer(int incomingBufferSize) {
    super((Set<Class<?>>) null);
    this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
  }

  @Override
  public void register(Class<?> endpointClass) throws DeploymentException {
    engine.register(endpointClass, "");
  }

  @Override
  public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
    engine.register(serverEndpointConfig, "");
  }

  /** Container properties read by Tyrus internals; everything is configured explicitly instead. */
  @Override
  public Map<String, Object> getProperties() {
    return Map.of();
  }

  @Override
  public WebSocketEngine getWebSocketEngine() {
    return engine;
  }
}
