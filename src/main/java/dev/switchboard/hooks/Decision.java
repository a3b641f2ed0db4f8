package dev.switchboard.hooks;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a connect or subscribe: allow it, or deny it with a reason the client sees; a
 * connect may also be allowed with a {@link Grant} that sets who the connection is.
 */
public sealed interface Decision {

  /** Allow. */
  static Decision allow() {
    return Allow.INSTANCE;
  }

  /** Deny; the client gets the documented error with {@code reason} as its message. */
  static Decision deny(String reason) {
    return new Deny(reason);
  }

  /**
   * Deny because whoever decides cannot now (a backend down or too slow). Like {@link #deny}, but a
   * connection refused so is closed with 1011, which clients reconnect after, not with the final
   * 4503.
   */
  static Decision unavailable(String reason) {
    return new Deny(reason, true);
  }

  /**
   * Allow a connect and set what the application knows about the connection (Centrifugo's connect
   * proxy result). Elsewhere than connect a grant just allows.
   *
   * @param user the connection's user from now on (presence, permissions' owner, {@code
   *     disconnectUser}); null keeps the token's or the container's
   * @param channels channels (or patterns) the server subscribes the connection to at once, each
   *     told to the client with a {@code subscribe} push; they need no permission nor subscribe
   *     decision (the application granted them)
   * @param expiresAt when the connection expires: then {@link Decisions#refresh} is asked, and it
   *     is closed with 4003 unless extended; null keeps the token's expiry (or none)
   * @param info JSON text shown in presence instead of the token's {@code info}; null keeps it
   */
  static Decision grant(
      @Nullable String user,
      List<String> channels,
      @Nullable Instant expiresAt,
      @Nullable String info) {
    return new Grant(user, channels, expiresAt, info);
  }

  /** Allowed. */
  enum Allow implements Decision {
    INSTANCE
  }

  /**
   * Denied.
   *
   * @param reason shown to the client (keep it short: a close reason holds at most 123 bytes)
   * @param retry the decider could not decide now ({@link #unavailable}): worth trying again
   */
  record Deny(String reason, boolean retry) implements Decision {
    public Deny(String reason) {
      this(reason, false);
    }
  }

  /**
   * Allowed, with what the application set (see {@link Decision#grant}). Checked by the hub: a user
   * over 256 characters, an invalid or unknown channel, more channels than a connection may hold,
   * or an expiry not in the future deny the connect, and the grant is logged.
   */
  record Grant(
      @Nullable String user,
      List<String> channels,
      @Nullable Instant expiresAt,
      @Nullable String info)
      implements Decision {
    public Grant {
      channels = List.copyOf(channels);
    }
  }
}
