package dev.switchboard.hub;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One key's local subscriptions in the {@link SubscriptionRegistry} (a channel's or a pattern's),
 * and, for a channel, how many publications the fan-out handed to them: the top-channels figures
 * read it ({@link HubFigures}). Counting costs one uncontended increment per publication, none per
 * delivery.
 *
 * <p>Thread-safe: the set is concurrent; the publication count is atomic; the rate samples are
 * guarded by {@code this} and touched only when the figures are asked for.
 */
final class Subscribers extends AbstractSet<Subscription> {
  /**
   * The shortest span a rate is measured over: long enough to smooth a burst, short enough to be
   * "recent" on a dashboard that refreshes every few seconds. A rate spans 10 to 20 s.
   */
  static final long RATE_WINDOW_NANOS = 10_000_000_000L;

  /** A count at a time. */
  private record Sample(long count, long nanos) {}

  private final Set<Subscription> set = ConcurrentHashMap.newKeySet();
  private final AtomicLong publications = new AtomicLong();

  /** The counters of the key's namespace, found once instead of once per publication. */
  private final NamespaceCounters.Counters namespace;

  /**
   * The sample a rate is measured from: at least the window old, unless the key is younger. Guarded
   * by {@code this}.
   */
  private Sample older;

  /**
   * The latest sample, which becomes {@code older} once it is a window old. Guarded by {@code
   * this}.
   */
  private Sample newer;

  /**
   * @param namespace the counters of the key's namespace
   * @param nowNanos the hub clock's time when the key gained its first subscriber
   */
  Subscribers(NamespaceCounters.Counters namespace, long nowNanos) {
    this.namespace = namespace;
    this.older = new Sample(0, nowNanos);
    this.newer = older;
  }

  /** The fan-out handed a publication of this channel to its subscribers. */
  void published() {
    publications.incrementAndGet();
  }

  NamespaceCounters.Counters namespace() {
    return namespace;
  }

  long publications() {
    return publications.get();
  }

  /**
   * Publications per second over the last 10 to 20 s as of {@code nowNanos}: samples are taken only
   * when the figures are asked for, so the first answer after a longer pause spans the pause.
   */
  synchronized double rate(long nowNanos) {
    long count = publications.get();
    if (nowNanos - newer.nanos() >= RATE_WINDOW_NANOS) {
      older = newer;
      newer = new Sample(count, nowNanos);
    }
    long span = nowNanos - older.nanos();
    return span <= 0 ? 0 : (count - older.count()) * 1e9 / span;
  }

  @Override
  public boolean add(Subscription s) {
    return set.add(s);
  }

  @Override
  public boolean remove(Object o) {
    return set.remove(o);
  }

  @Override
  public boolean contains(Object o) {
    return set.contains(o);
  }

  @Override
  public Iterator<Subscription> iterator() {
    return set.iterator();
  }

  @Override
  public int size() {
    return set.size();
  }

  @Override
  public boolean isEmpty() {
    return set.isEmpty();
  }
}
