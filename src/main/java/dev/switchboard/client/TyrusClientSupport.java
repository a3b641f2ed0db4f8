package dev.switchboard.client;

import jakarta.websocket.WebSocketContainer;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;

/**
 * What the portable Jakarta client API cannot express, set on Tyrus's client: the handshake timeout
 * and the TLS trust for wss://. Other implementations get the portable defaults.
 */
final class TyrusClientSupport {
  private TyrusClientSupport() {}

  static void configure(WebSocketContainer container, Options o) {
    if (!(container instanceof ClientManager tyrus)) {
      return;
    }
    tyrus
        .getProperties()
        .put(ClientProperties.HANDSHAKE_TIMEOUT, (int) o.connectTimeout().toMillis());
    if (o.ssl() != null) {
      tyrus
          .getProperties()
          .put(ClientProperties.SSL_ENGINE_CONFIGURATOR, new SslEngineConfigurator(o.ssl()));
    }
  }
}
