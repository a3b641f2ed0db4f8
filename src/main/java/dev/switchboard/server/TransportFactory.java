package dev.switchboard.server;

import dev.switchboard.hub.Transport;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;

/**
 * Makes the {@link Transport} for a new session. The portable default sends through {@code
 * RemoteEndpoint.Async}; a server that knows its WebSocket implementation may do better (the
 * standalone server writes pre-framed, batched bytes under Tyrus).
 */
@FunctionalInterface
public interface TransportFactory {

  /**
   * @param portable the portable transport for this session, to use or to fall back on
   */
  Transport create(Session session, Transport portable);

  /**
   * The client's address as the server's limits see it, for the access log; null when this factory
   * does not know it (the portable default), and the container's session properties are asked.
   */
  default @Nullable String remoteAddress(Session session) {
    return null;
  }

  /** The portable transport unchanged. */
  TransportFactory PORTABLE = (session, portable) -> portable;
}
