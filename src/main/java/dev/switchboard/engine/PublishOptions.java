package dev.switchboard.engine;

import dev.switchboard.protocol.TraceContext;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a broker handles one publish.
 *
 * @param historySize publications to keep in the channel's history; 0 keeps none and assigns no
 *     offset
 * @param historyTtl how long a kept publication stays
 * @param idempotencyKey when not null, a repeat with the same key on the same channel within {@link
 *     #IDEMPOTENCY_WINDOW} returns the first result and is not delivered again
 * @param trace when not null, the trace context the publication carries ({@link Publication#trace})
 *     to every node and into the history
 */
public record PublishOptions(
    int historySize,
    Duration historyTtl,
    @Nullable String idempotencyKey,
    @Nullable TraceContext trace) {
  /** How long an idempotency key is remembered. */
  public static final Duration IDEMPOTENCY_WINDOW = Duration.ofMinutes(5);

  /** Publish without history and without idempotency key. */
  public static final PublishOptions NONE = new PublishOptions(0, Duration.ZERO, null, null);

  /** Options without a trace context. */
  public PublishOptions(int historySize, Duration historyTtl, @Nullable String idempotencyKey) {
    this(historySize, historyTtl, idempotencyKey, null);
  }

  public PublishOptions {
    if (historySize < 0) {
      throw new IllegalArgumentException("historySize must not be negative");
    }
    if (historySize > 0 && (historyTtl == null || historyTtl.isZero() || historyTtl.isNegative())) {
      throw new IllegalArgumentException("a history needs a positive ttl");
    }
  }

  public boolean keepsHistory() {
    return historySize > 0;
  }
}
