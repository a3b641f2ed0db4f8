package dev.switchboard.hub;

/**
 * Limits and channel options of the hub core.
 *
 * @param outboxMaxBytes bytes that may wait for one slow client before it is closed as a slow
 *     consumer
 * @param maxSubscriptions channels one connection may be subscribed to at once
 * @param namespaces what each namespace's channels offer
 * @param fanOutThreads threads that fan publications out; 0 fans out on the publishing thread
 * @param policy authentication, rate limits and liveness of connections
 */
public record HubOptions(
    long outboxMaxBytes,
    int maxSubscriptions,
    Namespaces namespaces,
    int fanOutThreads,
    ConnectionPolicy policy) {
  /** 1 MiB of outbox: 16,000 small messages or a few large ones, per client. */
  public static final long DEFAULT_OUTBOX_MAX_BYTES = 1 << 20;

  /** Enough for a dashboard subscribing to a few hundred feeds; the set is per connection. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 512;

  public HubOptions {
    if (outboxMaxBytes < 1) {
      throw new IllegalArgumentException("outboxMaxBytes must be positive");
    }
    if (maxSubscriptions < 1) {
      throw new IllegalArgumentException("maxSubscriptions must be positive");
    }
    if (fanOutThreads < 0) {
      throw new IllegalArgumentException("fanOutThreads must not be negative");
    }
  }

  /** Without fan-out threads and with an open policy: all on the calling thread (tests). */
  public HubOptions(long outboxMaxBytes, int maxSubscriptions, Namespaces namespaces) {
    this(outboxMaxBytes, maxSubscriptions, namespaces, 0, ConnectionPolicy.open());
  }

  /** Default limits, every channel plain (no history, no presence). */
  public static HubOptions defaults() {
    return new HubOptions(
        DEFAULT_OUTBOX_MAX_BYTES,
        DEFAULT_MAX_SUBSCRIPTIONS,
        Namespaces.only(NamespaceOptions.plain()));
  }
}
