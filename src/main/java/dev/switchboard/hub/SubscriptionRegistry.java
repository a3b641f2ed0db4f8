package dev.switchboard.hub;

import dev.switchboard.engine.Broker;
import dev.switchboard.log.LogLimiter;
import dev.switchboard.protocol.ChannelName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * This node's subscriptions, by channel and by pattern prefix, and the broker subscription each key
 * holds while it has local subscribers.
 *
 * <p>Ordering rule: a key's broker subscribe and unsubscribe calls reach the broker in the order
 * the key gains its first subscriber and loses its last. Each call is decided inside the map's
 * {@code compute} for that key but only queued there; it is made after the map is released, by
 * whichever thread drains the queue, one call at a time in queue order. So no broker call runs
 * while a map bin is locked (a broker that completes inline, or delivers while subscribing, cannot
 * re-enter or block the map). Readers ({@link Deliveries}) see a key only while it has subscribers.
 *
 * <p>Thread-safe.
 */
final class SubscriptionRegistry {
  private static final System.Logger LOG = System.getLogger(SubscriptionRegistry.class.getName());

  /** With the engine down every channel's unsubscribe fails: limited, not one line each. */
  private final LogLimiter warnings = LogLimiter.of(LOG);

  private final Broker broker;

  /** Counts channels and subscriptions by namespace as keys and subscriptions come and go. */
  private final NamespaceCounters counters;

  /** When a key gained its first subscriber, for its publication rate. */
  private final HubClock clock;

  /** Channel to its local subscriptions; a channel is present only while it has some. */
  private final Map<String, Subscribers> channels = new ConcurrentHashMap<>();

  /** Pattern prefix ({@code orders:} for {@code orders:*}) to its local pattern subscriptions. */
  private final Map<String, Subscribers> patterns = new ConcurrentHashMap<>();

  /**
   * The broker subscription of each channel and pattern key with local subscribers: completed by
   * the broker call once it is made.
   */
  private final Map<String, CompletableFuture<Void>> brokerSubscriptions =
      new ConcurrentHashMap<>();

  /** Broker calls decided but not made yet, in the order they were decided. */
  private final Queue<Runnable> brokerCalls = new ConcurrentLinkedQueue<>();

  /** Some thread is making the queued broker calls. */
  private final AtomicBoolean callingBroker = new AtomicBoolean();

  /** Subscriptions (by channel and by pattern) on this node: up on add, down on remove. */
  private final LongAdder subscriptions;

  SubscriptionRegistry(
      Broker broker, LongAdder subscriptions, NamespaceCounters counters, HubClock clock) {
    this.broker = broker;
    this.subscriptions = subscriptions;
    this.counters = counters;
    this.clock = clock;
  }

  /**
   * Adds a subscription. The stage completes when the broker subscription of its key does: the
   * first subscriber of a key starts it, later ones wait for the same one and fail with it, so
   * nobody is told "subscribed" for a channel the broker refused.
   */
  CompletionStage<Void> add(Subscription sub) {
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] brokerCall = new CompletableFuture[1];
    Map<String, Subscribers> registry = sub.pattern ? patterns : channels;
    String stageKey = stageKey(sub, key(sub));
    NamespaceCounters.Counters ns = counters.of(sub.channel);
    registry.compute(
        key(sub),
        (name, set) -> {
          if (set == null) {
            set = new Subscribers(ns, clock.nanoTime());
            if (!sub.pattern) {
              ns.channels.increment();
            }
            CompletableFuture<Void> subscribed = new CompletableFuture<>();
            brokerSubscriptions.put(stageKey, subscribed);
            brokerCalls.add(() -> subscribe(sub.channel, subscribed));
            brokerCall[0] = subscribed;
          } else {
            brokerCall[0] = brokerSubscriptions.get(stageKey);
          }
          if (set.add(sub)) {
            subscriptions.increment();
            ns.subscriptions.increment();
          }
          return set;
        });
    callBroker();
    return brokerCall[0] != null ? brokerCall[0] : CompletableFuture.completedFuture(null);
  }

  /** Removes a subscription; the last one of a key ends the key's broker subscription. */
  void remove(Subscription sub) {
    Map<String, Subscribers> registry = sub.pattern ? patterns : channels;
    NamespaceCounters.Counters ns = counters.of(sub.channel);
    registry.computeIfPresent(
        key(sub),
        (name, set) -> {
          if (set.remove(sub)) {
            subscriptions.decrement();
            ns.subscriptions.decrement();
          }
          if (!set.isEmpty()) {
            return set;
          }
          if (!sub.pattern) {
            ns.channels.decrement();
          }
          brokerSubscriptions.remove(stageKey(sub, name));
          brokerCalls.add(() -> unsubscribe(sub.channel));
          return null;
        });
    callBroker();
  }

  /**
   * Makes the queued broker calls unless another thread is making them; that thread then makes
   * these too. Called with no lock held.
   */
  private void callBroker() {
    while (!brokerCalls.isEmpty() && callingBroker.compareAndSet(false, true)) {
      try {
        Runnable call;
        while ((call = brokerCalls.poll()) != null) {
          call.run();
        }
      } finally {
        callingBroker.set(false);
      }
    }
  }

  /** The broker's stage, or a failed one when the broker threw instead of returning it. */
  private static CompletionStage<Void> guarded(Supplier<CompletionStage<Void>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void subscribe(String channel, CompletableFuture<Void> subscribed) {
    guarded(() -> broker.subscribe(channel))
        .whenComplete(
            (v, failure) -> {
              if (failure == null) {
                subscribed.complete(null);
              } else {
                subscribed.completeExceptionally(failure);
              }
            });
  }

  private void unsubscribe(String channel) {
    guarded(() -> broker.unsubscribe(channel))
        .exceptionally(
            failure -> {
              warnings.warn(
                  "broker unsubscribe failed",
                  "broker unsubscribe of " + channel + " failed",
                  failure);
              return null;
            });
  }

  /** Whether any local subscription, by channel or by pattern, wants {@code channel}. */
  boolean wants(String channel) {
    return channels.containsKey(channel) || (!patterns.isEmpty() && matchesPattern(channel));
  }

  /** Whether {@code channel} itself (not a pattern) has local subscribers. */
  boolean hasChannel(String channel) {
    return channels.containsKey(channel);
  }

  /** The channel's own subscriptions, or null. */
  @Nullable Subscribers channelSubscribers(String channel) {
    return channels.get(channel);
  }

  boolean hasPatterns() {
    return !patterns.isEmpty();
  }

  /** The pattern subscriptions under {@code prefix}, or null. */
  @Nullable Set<Subscription> patternSubscribers(String prefix) {
    return patterns.get(prefix);
  }

  /** The counters by namespace this registry keeps up to date. */
  NamespaceCounters counters() {
    return counters;
  }

  /** Calls {@code action} for every channel with local subscribers (patterns not included). */
  void forEachChannel(java.util.function.BiConsumer<String, Subscribers> action) {
    channels.forEach(action);
  }

  int channelCount() {
    return channels.size();
  }

  int subscriberCount(String channel) {
    Set<Subscription> s = channels.get(channel);
    return s == null ? 0 : s.size();
  }

  private boolean matchesPattern(String channel) {
    for (String prefix : prefixes(channel)) {
      if (patterns.containsKey(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The pattern prefixes a channel matches: "" (for *) and every prefix ending in ':'. */
  static List<String> prefixes(String channel) {
    List<String> out = new ArrayList<>(4);
    out.add("");
    for (int i = channel.indexOf(':'); i >= 0; i = channel.indexOf(':', i + 1)) {
      out.add(channel.substring(0, i + 1));
    }
    return out;
  }

  private static String key(Subscription sub) {
    return sub.pattern ? ChannelName.patternPrefix(sub.channel) : sub.channel;
  }

  private static String stageKey(Subscription sub, String key) {
    return (sub.pattern ? "pattern " : "channel ") + key;
  }
}
