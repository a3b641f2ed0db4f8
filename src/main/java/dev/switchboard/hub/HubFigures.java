package dev.switchboard.hub;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * This node's figures by namespace and by channel, for the status API and the dashboard. Everything
 * is this node's view: with the Redis engine, other nodes have their own subscribers, and a
 * channel's publication rate here counts the publications that reached this node's subscribers.
 *
 * <p>Namespace figures are counters kept as subscriptions come and go and publications pass (a few
 * increments per publication, none per delivery; see {@link NamespaceCounters}). Top channels are
 * computed when asked, by one scan of the channels with local subscribers: the cost is paid by the
 * caller, in proportion to the channel count, and never by the fan-out. Thread-safe.
 */
public final class HubFigures {
  /**
   * The most channels a top list holds: enough for a dashboard table, and it bounds the answer's
   * size and the scan's heap whatever the caller asks.
   */
  public static final int MAX_TOP = 100;

  /**
   * One namespace's figures on this node.
   *
   * @param namespace the configured namespace, or {@code default} (also for channels of namespaces
   *     that are not configured, and for the pattern {@code *})
   * @param channels channels with a subscriber on this node
   * @param subscriptions subscriptions on this node, by channel and by pattern
   * @param publications publications accepted through this node since it started
   * @param deliveries publication frames queued for this node's subscribers by the fan-out
   * @param dropped publication frames the fan-out could not queue (a full or closed outbox, a gap)
   */
  public record Namespace(
      String namespace,
      long channels,
      long subscriptions,
      long publications,
      long deliveries,
      long dropped) {}

  /**
   * One channel's figures on this node.
   *
   * @param subscribers subscriptions to the channel itself on this node (pattern ones not included)
   * @param publications publications the fan-out handed to them since the channel last gained its
   *     first subscriber here
   * @param rate publications per second over the last 10 to 20 s (the first answer after a longer
   *     pause spans the pause)
   */
  public record Channel(String channel, int subscribers, long publications, double rate) {}

  /**
   * The top channels, each list in descending order (ties by name).
   *
   * @param bySubscribers the channels with the most subscribers on this node
   * @param byRate the channels with the highest recent publication rate on this node
   */
  public record Top(List<Channel> bySubscribers, List<Channel> byRate) {}

  private static final Comparator<Channel> BY_SUBSCRIBERS =
      Comparator.comparingInt(Channel::subscribers)
          .thenComparing(Channel::channel, Comparator.reverseOrder());

  private static final Comparator<Channel> BY_RATE =
      Comparator.comparingDouble(Channel::rate)
          .thenComparingLong(Channel::publications)
          .thenComparing(Channel::channel, Comparator.reverseOrder());

  private final SubscriptionRegistry registry;
  private final HubClock clock;

  HubFigures(SubscriptionRegistry registry, HubClock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** Counts a publication accepted through this node (not a repeat of an idempotency key). */
  void published(String channel) {
    registry.counters().of(channel).publications.increment();
  }

  /** Every configured namespace's figures and default's, sorted by name. */
  public List<Namespace> namespaces() {
    List<Namespace> out = new ArrayList<>();
    for (Map.Entry<String, NamespaceCounters.Counters> e : registry.counters().all().entrySet()) {
      NamespaceCounters.Counters c = e.getValue();
      out.add(
          new Namespace(
              e.getKey(),
              c.channels.sum(),
              c.subscriptions.sum(),
              c.publications.sum(),
              c.deliveries.sum(),
              c.dropped.sum()));
    }
    out.sort(Comparator.comparing(Namespace::namespace));
    return out;
  }

  /**
   * The {@code limit} channels with the most subscribers and the {@code limit} with the highest
   * publication rate, from one scan of the channels with local subscribers.
   *
   * @param limit at most {@link #MAX_TOP}; more is treated as that
   */
  public Top top(int limit) {
    int n = Math.max(0, Math.min(limit, MAX_TOP));
    // Min-heaps of the best n so far: the weakest is dropped when a better one comes.
    PriorityQueue<Channel> bySubscribers = new PriorityQueue<>(n + 1, BY_SUBSCRIBERS);
    PriorityQueue<Channel> byRate = new PriorityQueue<>(n + 1, BY_RATE);
    long now = clock.nanoTime();
    if (n > 0) {
      registry.forEachChannel(
          (name, subs) -> {
            Channel c = new Channel(name, subs.size(), subs.publications(), subs.rate(now));
            keep(bySubscribers, c, n);
            keep(byRate, c, n);
          });
    }
    return new Top(descending(bySubscribers, BY_SUBSCRIBERS), descending(byRate, BY_RATE));
  }

  private static void keep(PriorityQueue<Channel> heap, Channel c, int n) {
    heap.add(c);
    if (heap.size() > n) {
      heap.poll();
    }
  }

  private static List<Channel> descending(PriorityQueue<Channel> heap, Comparator<Channel> order) {
    List<Channel> out = new ArrayList<>(heap);
    out.sort(order.reversed());
    return out;
  }
}
