package dev.switchboard.server;

import dev.switchboard.hub.Transport;
import dev.switchboard.log.AccessLog;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * Where the endpoints' sessions meet the {@link AccessLog}: what a session's line says about its
 * path, client address and origin, and the line at its close. Thread-safe.
 */
final class SessionAccess {
  /** Session user property with the handshake's {@code Origin} header, kept for the access log. */
  static final String ORIGIN_PROPERTY = "dev.switchboard.origin";

  /**
   * The session user property in which Jetty (and other containers) give the client's address, an
   * {@link InetSocketAddress}; not part of Jakarta WebSocket, so it may be absent.
   */
  static final String REMOTE_ADDRESS_PROPERTY = "jakarta.websocket.endpoint.remoteAddress";

  private final AccessLog log;
  private final TransportFactory transports;

  SessionAccess(AccessLog log, TransportFactory transports) {
    this.log = log;
    this.transports = transports;
  }

  /** The entry of a session the endpoint opens; null when the access log writes nothing. */
  AccessLog.@Nullable Entry opened(Session session, EndpointConfig config) {
    if (log == AccessLog.OFF) {
      return null;
    }
    String path =
        config instanceof ServerEndpointConfig sec
            ? sec.getPath()
            : session.getRequestURI().getPath();
    Object origin = session.getUserProperties().get(ORIGIN_PROPERTY);
    return log.opened(path, remoteAddress(session), origin instanceof String o ? o : null);
  }

  /**
   * Writes the line of a session that closed; nothing when {@code entry} is null. The code is the
   * one the container reported, unless the transport sent a close of its own below the endpoint.
   */
  static void closed(
      AccessLog.@Nullable Entry entry,
      @Nullable String user,
      CloseReason reason,
      @Nullable Transport transport) {
    if (entry == null) {
      return;
    }
    Transport.SentClose sent = transport == null ? null : transport.sentClose();
    if (sent != null) {
      entry.closed(user, sent.code().code(), sent.reason());
    } else {
      String phrase = reason.getReasonPhrase();
      entry.closed(user, reason.getCloseCode().getCode(), phrase == null ? "" : phrase);
    }
  }

  private @Nullable String remoteAddress(Session session) {
    String known = transports.remoteAddress(session);
    if (known != null) {
      return known;
    }
    Object a = session.getUserProperties().get(REMOTE_ADDRESS_PROPERTY);
    return a instanceof InetSocketAddress isa && isa.getAddress() != null
        ? isa.getAddress().getHostAddress()
        : null;
  }
}
