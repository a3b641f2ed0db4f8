package dev.switchboard.engine.redis;

import java.time.Duration;
import java.time.InstantSource;
import java.util.regex.Pattern;

/**
 * How a node uses Redis.
 *
 * @param uri where Redis is, e.g. {@code redis://127.0.0.1:6379/0} (Lettuce URI syntax: password,
 *     TLS with {@code rediss://}, database)
 * @param prefix put before every key and Pub/Sub channel, so several clusters can share one Redis;
 *     letters, digits and {@code _ : . -}
 * @param timeout the longest a command may take before it fails
 * @param metaTtl how long a channel's position is kept after its last publication
 * @param presenceTtl how long a presence entry lives unless its node refreshes it
 * @param canaryInterval how often the node checks its Pub/Sub link with a canary
 * @param clock the time for history and idempotency expiry
 */
public record RedisOptions(
    String uri,
    String prefix,
    Duration timeout,
    Duration metaTtl,
    Duration presenceTtl,
    Duration canaryInterval,
    InstantSource clock) {

  /** Characters a prefix may use: nothing Redis treats as a glob. */
  public static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_:.\\-]{0,64}");

  public RedisOptions {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "a Redis key prefix uses only letters, digits and _ : . -");
    }
  }
}
