package dev.switchboard.hooks;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A client connection as decisions and events see it.
 *
 * @param connectionId the id the hub gave the connection (as in {@code connected} and presence)
 * @param user the authenticated user (token {@code sub} or the container's principal), or null for
 *     an anonymous connection
 * @param info JSON text from the token's {@code info} claim, or null
 * @param forwarded the handshake headers the configuration forwards ({@code proxy.headers}, names
 *     lower-case; {@code proxy.cookies} as one {@code cookie} entry); empty when none
 */
public record Client(
    String connectionId,
    @Nullable String user,
    @Nullable String info,
    Map<String, String> forwarded) {
  public Client {
    forwarded = Map.copyOf(forwarded);
  }

  /** A client without forwarded headers. */
  public Client(String connectionId, @Nullable String user, @Nullable String info) {
    this(connectionId, user, info, Map.of());
  }
}
