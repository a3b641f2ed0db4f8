package dev.switchboard.hub;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters per configured namespace, bounded by the configuration: a channel of a namespace that is
 * not configured has the default namespace's options, and is counted under {@link
 * Namespaces#DEFAULT} too (as are subscriptions to the pattern {@code *}). The map is built once
 * and never changes, so finding a channel's counters takes no lock. Thread-safe.
 */
final class NamespaceCounters {

  /** One namespace's counters. */
  static final class Counters {
    /**
     * Channels with a subscriber on this node: up when the first comes, down when the last goes.
     */
    final LongAdder channels = new LongAdder();

    /** Subscriptions on this node, by channel and by pattern: up on subscribe, down when ended. */
    final LongAdder subscriptions = new LongAdder();

    /** Publications accepted through this node (repeats of an idempotency key not included). */
    final LongAdder publications = new LongAdder();

    /** Publication frames the fan-out queued for this node's subscribers. */
    final LongAdder deliveries = new LongAdder();

    /**
     * Publication frames the fan-out could not queue: the outbox was full (the connection is closed
     * with 4000) or closed, or queuing would have left a gap (closed with 4004).
     */
    final LongAdder dropped = new LongAdder();
  }

  /** Configured namespace, and default, to its counters. Never changes after construction. */
  private final Map<String, Counters> byName;

  private final Counters defaults = new Counters();

  NamespaceCounters(Namespaces namespaces) {
    Map<String, Counters> m = new HashMap<>();
    for (String name : namespaces.names()) {
      m.put(name, new Counters());
    }
    m.put(Namespaces.DEFAULT, defaults);
    this.byName = Map.copyOf(m);
  }

  /** The counters of the namespace {@code channel} (or a pattern) is counted under. */
  Counters of(String channel) {
    int colon = channel.indexOf(':');
    if (colon < 0) {
      return defaults;
    }
    Counters c = byName.get(channel.substring(0, colon));
    return c == null ? defaults : c;
  }

  /** Every namespace's counters, by name. */
  Map<String, Counters> all() {
    return byName;
  }
}
