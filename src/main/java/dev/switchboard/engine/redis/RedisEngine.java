package dev.switchboard.engine.redis;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.PresenceStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The Redis engine's two parts, a broker and a presence store on the same connections, as a node
 * starts them.
 *
 * @param broker the broker
 * @param presence the presence store on the broker's link
 */
public record RedisEngine(Broker broker, PresenceStore presence) {
  private static final System.Logger LOG = System.getLogger(RedisEngine.class.getName());

  /**
   * Connects to Redis. When Redis cannot be reached: with {@code retryMax} null, fails with the
   * {@link RedisUnavailableException} (fail fast); else returns an engine that is not ready, fails
   * every call that needs Redis with error 109, and connects in the background, waiting at most
   * {@code retryMax} between attempts, until Redis answers (see {@link PendingRedisBroker}).
   */
  public static RedisEngine open(RedisOptions options, @Nullable Duration retryMax) {
    RedisBroker broker;
    try {
      broker = RedisBroker.open(options);
    } catch (RedisUnavailableException e) {
      if (retryMax == null) {
        throw e;
      }
      String why = RedisLink.rootMessage(e);
      LOG.log(
          Level.WARNING,
          why
              + "; starting without Redis, not ready, and connecting in the background"
              + " (redis.fail-fast=true stops the start instead)");
      PendingRedisBroker pending =
          new PendingRedisBroker(options, ConnectBackoff.jittered(retryMax), why);
      return new RedisEngine(pending, pending.presence());
    }
    return new RedisEngine(broker, new RedisPresenceStore(broker));
  }
}
