package dev.switchboard.hub;

import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CloseCode;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Tells the subscribers of some channels and patterns, and only them, that publications may have
 * been missed on this node: their connections are closed with 4004, so their clients reconnect and
 * recover from the last offset they received (or learn {@code recovered:false}). Connections
 * subscribed to nothing named stay open. The engine decides what was missed ({@link
 * Deliveries#onInterrupted(Collection, String)}).
 */
final class Interruptions {
  private static final System.Logger LOG = System.getLogger(Interruptions.class.getName());

  private Interruptions() {}

  /**
   * Closes with 4004 every connection with a subscription to one of {@code channelsOrPatterns}
   * (patterns as {@code orders:*}), each once.
   *
   * @return how many connections were closed
   */
  static int close(
      SubscriptionRegistry registry, Collection<String> channelsOrPatterns, String reason) {
    Set<ClientConnection> affected = Collections.newSetFromMap(new IdentityHashMap<>());
    for (String key : channelsOrPatterns) {
      Set<Subscription> subs =
          ChannelName.isPattern(key)
              ? registry.patternSubscribers(ChannelName.patternPrefix(key))
              : registry.channelSubscribers(key);
      if (subs != null) {
        for (Subscription s : subs) {
          affected.add(s.connection());
        }
      }
    }
    LOG.log(
        Level.WARNING,
        () ->
            "engine delivery of "
                + channelsOrPatterns
                + " interrupted ("
                + reason
                + "): closing "
                + affected.size()
                + " subscribed connections with 4004");
    for (ClientConnection c : affected) {
      c.close(CloseCode.ENGINE_INTERRUPTED, "engine interrupted, reconnect and recover");
    }
    return affected.size();
  }
}
