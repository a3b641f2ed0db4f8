package dev.switchboard.engine.redis;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Proves a node's Pub/Sub link end to end: every {@code canaryInterval} it publishes a numbered
 * canary to the node's own channel and expects it back. A canary not back within three intervals
 * (at least 2 s) counts as missed, and the link is unhealthy until one comes back again. This
 * catches what connection state cannot: a link that stays open and delivers nothing.
 */
final class Canary {
  private static final System.Logger LOG = System.getLogger(Canary.class.getName());

  private final RedisLink link;
  private final byte[] channel;
  private final long timeoutNanos;
  private final ConcurrentSkipListMap<Long, Long> inFlight = new ConcurrentSkipListMap<>();
  private final AtomicLong seq = new AtomicLong();
  private final LongAdder missed = new LongAdder();
  private volatile long lastBack = System.nanoTime();
  private volatile long lastMissed;

  Canary(RedisLink link, byte[] channel) {
    this.link = link;
    this.channel = channel;
    this.timeoutNanos =
        Math.max(TimeUnit.SECONDS.toNanos(2), 3 * link.options.canaryInterval().toNanos());
  }

  /** Subscribes to the node's canary channel (waiting for Redis) and starts sending. */
  void start() {
    link.subscribeNow(channel);
    long every = link.options.canaryInterval().toMillis();
    link.timer.scheduleWithFixedDelay(this::send, every, every, TimeUnit.MILLISECONDS);
  }

  /** The node's canary channel, subscribed again with the others after a break. */
  byte[] channel() {
    return channel;
  }

  /** Whether this Pub/Sub message is this node's canary; if so, it is taken. */
  boolean take(byte[] redisChannel, byte[] message) {
    if (!Arrays.equals(redisChannel, channel)) {
      return false;
    }
    long n = Long.parseLong(new String(message, StandardCharsets.US_ASCII));
    if (inFlight.remove(n) != null) {
      if (!healthy()) {
        LOG.log(Level.INFO, "canaries come back through Redis Pub/Sub again");
      }
      lastBack = System.nanoTime();
    }
    return true;
  }

  boolean healthy() {
    return lastBack >= lastMissed;
  }

  long missed() {
    return missed.sum();
  }

  /** Counts the canaries that did not come back in time, then sends the next. */
  private void send() {
    long now = System.nanoTime();
    for (Map.Entry<Long, Long> e = inFlight.firstEntry();
        e != null && e.getValue() < now - timeoutNanos;
        e = inFlight.firstEntry()) {
      inFlight.remove(e.getKey());
      missed.increment();
      if (healthy()) { // log the change, not every miss
        LOG.log(
            Level.WARNING,
            "canary " + e.getKey() + " did not come back through Redis Pub/Sub: node not ready");
      }
      lastMissed = now;
    }
    long n = seq.incrementAndGet();
    inFlight.put(n, now);
    link.async.publish(
        channel, Long.toString(n).getBytes(StandardCharsets.US_ASCII)); // a failure shows as a miss
  }
}
