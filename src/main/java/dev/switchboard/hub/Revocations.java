package dev.switchboard.hub;

import dev.switchboard.auth.Capability;
import dev.switchboard.auth.Permissions;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a refreshed token takes away: the subscriptions its permissions no longer allow, and the
 * push that tells the client each one ended.
 *
 * <p>A subscription is kept exactly when a {@code subscribe} for it would be allowed now, with the
 * same check (so a pattern needs a grant covering the whole pattern). Without this, a refresh to a
 * narrower token would leave the old grants in force for every channel already subscribed.
 *
 * <p>Stateless.
 */
final class Revocations {
  private Revocations() {}

  /** The subscriptions among {@code subscriptions} that {@code permissions} no longer allow. */
  static List<Subscription> disallowed(
      Collection<Subscription> subscriptions, Permissions permissions) {
    List<Subscription> out = new ArrayList<>();
    for (Subscription sub : subscriptions) {
      if (!permissions.allows(sub.channel, Capability.SUBSCRIBE)) {
        out.add(sub);
      }
    }
    return out;
  }

  /**
   * The {@code unsubscribe} push for {@code sub}, with the code a refused {@code subscribe} would
   * get (111), so clients handle both alike.
   */
  static QueuedFrame notice(Subscription sub) {
    return notice(sub, "the refreshed token does not allow subscribe on " + sub.channel);
  }

  /** The {@code unsubscribe} push for {@code sub} with {@code reason}, code 111 as above. */
  static QueuedFrame notice(Subscription sub, String reason) {
    return new QueuedFrame.Text(
        ServerMessageEncoder.unsubscribe(sub.channel, ErrorCode.FORBIDDEN, reason));
  }
}
