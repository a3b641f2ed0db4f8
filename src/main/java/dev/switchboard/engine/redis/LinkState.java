package dev.switchboard.engine.redis;

import dev.switchboard.engine.EngineStatus;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Whether a node's connections to Redis are open, as Lettuce reports their connects and
 * disconnects: up while every watched connection is connected, down from the first break until all
 * are back, when a reconnect is counted. Made up, since the connections are open when it is built.
 *
 * <p>Thread-safe: Lettuce reports on its I/O threads; transitions are made under {@code this}, and
 * readers get one consistent {@link State} from a volatile field without locking.
 */
final class LinkState implements EngineStatus {

  /** What readers see: one immutable value, replaced on every transition. */
  private record State(Link link, Instant since, long reconnects) {}

  private final InstantSource clock;

  /** Which watched connections are up, one bit each. Guarded by {@code this}. */
  private long upBits;

  /** Every bit of the watched connections. Guarded by {@code this}. */
  private long allBits;

  private volatile State state;

  LinkState(InstantSource clock) {
    this.clock = clock;
    this.state = new State(Link.UP, clock.instant(), 0);
  }

  /**
   * A listener for one more connection, open now: add it to that connection. At most 64 connections
   * (a link has two).
   */
  synchronized RedisConnectionStateListener watch() {
    int bit = Long.bitCount(allBits);
    if (bit == Long.SIZE) {
      throw new IllegalStateException("at most 64 connections are watched");
    }
    long mask = 1L << bit;
    allBits |= mask;
    upBits |= mask;
    return new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        changed(mask, true);
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        changed(mask, false);
      }
    };
  }

  /** One connection went up or down; a transition of the whole link is recorded with its time. */
  synchronized void changed(long mask, boolean up) {
    upBits = up ? upBits | mask : upBits & ~mask;
    Link now = upBits == allBits ? Link.UP : Link.DOWN;
    State before = state;
    if (now != before.link()) {
      long reconnects = before.reconnects() + (now == Link.UP ? 1 : 0);
      state = new State(now, clock.instant(), reconnects);
    }
  }

  @Override
  public Link link() {
    return state.link();
  }

  @Override
  public Instant since() {
    return state.since();
  }

  @Override
  public long reconnects() {
    return state.reconnects();
  }
}
