package dev.switchboard.hub;

import dev.switchboard.auth.Identity;
import dev.switchboard.hooks.Decision;
import dev.switchboard.protocol.ChannelName;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What an application's connect {@link Decision.Grant} may set, checked before the connection takes
 * it (a backend or a bean may answer anything), and the identity it makes.
 */
final class Grants {
  /** The longest user id a grant may set. */
  static final int MAX_USER = 256;

  private Grants() {}

  /**
   * Why {@code grant} cannot be taken, or null when it can.
   *
   * @param held subscriptions the connection holds already
   */
  static @Nullable String problem(Decision.Grant grant, HubOptions options, Instant now, int held) {
    String user = grant.user();
    if (user != null && (user.isEmpty() || user.length() > MAX_USER)) {
      return "user must be 1 to " + MAX_USER + " characters";
    }
    Instant expiresAt = grant.expiresAt();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      return "expiry " + expiresAt + " is not in the future";
    }
    if (held + grant.channels().size() > options.maxSubscriptions()) {
      return grant.channels().size()
          + " channels: over hub.max-subscriptions ("
          + options.maxSubscriptions()
          + ")";
    }
    for (String channel : grant.channels()) {
      String problem = ChannelName.isPattern(channel) ? null : ChannelName.problem(channel);
      if (problem == null) {
        problem = options.namespaces().unknown(channel);
      }
      if (problem != null) {
        return "channel " + channel + ": " + problem;
      }
    }
    return null;
  }

  /**
   * {@code who} with the user, info and expiry {@code grant} sets; its permissions stay. {@code
   * who} itself when the grant sets none of them (an anonymous connection stays {@link
   * Identity#ANONYMOUS}, which may still connect with a token).
   */
  static Identity apply(Identity who, Decision.Grant grant) {
    String user = grant.user();
    String info = grant.info();
    Instant expiresAt = grant.expiresAt();
    if (user == null && info == null && expiresAt == null) {
      return who;
    }
    return new Identity(
        user != null ? user : who.user(),
        info != null ? info : who.info(),
        who.permissions(),
        expiresAt != null ? expiresAt : who.expiresAt());
  }
}
