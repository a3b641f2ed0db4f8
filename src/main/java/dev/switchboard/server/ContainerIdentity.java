package dev.switchboard.server;

import dev.switchboard.auth.Identity;
import dev.switchboard.auth.RoleGrants;
import jakarta.websocket.server.HandshakeRequest;
import java.security.Principal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The user a servlet container authenticated for a WebSocket handshake, as a connection's identity:
 * the principal's name as user, no info, the permissions of its roles ({@link RoleGrants}) and no
 * expiry (the container's session is not the connection's: the connection keeps it until it
 * closes). Read during the handshake, where {@link HandshakeRequest#isUserInRole} is answered.
 */
final class ContainerIdentity {
  /** Session user property carrying the identity from the handshake to the endpoint's onOpen. */
  static final String PROPERTY = "dev.switchboard.container-identity";

  private ContainerIdentity() {}

  /**
   * The identity of the request's authenticated user, or null when there is none or {@code enabled}
   * ({@code auth.container}) is false.
   */
  static @Nullable Identity of(HandshakeRequest request, RoleGrants roles, boolean enabled) {
    if (!enabled) {
      return null;
    }
    Principal principal = request.getUserPrincipal();
    if (principal == null || principal.getName() == null) {
      return null;
    }
    return new Identity(
        principal.getName(), null, roles.permissionsFor(request::isUserInRole), Instant.MAX);
  }
}
