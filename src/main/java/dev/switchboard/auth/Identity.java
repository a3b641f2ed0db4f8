package dev.switchboard.auth;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Who a connection is.
 *
 * @param user the user id ({@code sub}), or null for an anonymous connection
 * @param info JSON text from the token's {@code info} claim, or null
 * @param permissions what it may do on which channels
 * @param expiresAt when the token expires; {@link Instant#MAX} when it does not
 */
public record Identity(
    @Nullable String user, @Nullable String info, Permissions permissions, Instant expiresAt) {
  /** An unauthenticated connection on a server that does not require tokens. */
  public static final Identity ANONYMOUS = new Identity(null, null, Permissions.ALL, Instant.MAX);

  public boolean expiredAt(Instant now) {
    return now.isAfter(expiresAt);
  }
}
