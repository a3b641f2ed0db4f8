package dev.switchboard.hub;

import java.time.Duration;

/**
 * What a namespace's channels offer. A channel {@code chat:lobby} is in namespace {@code chat}; a
 * channel without {@code :} is in the default namespace.
 *
 * @param historySize publications kept per channel; 0 keeps none (and assigns no offsets)
 * @param historyTtl how long a kept publication stays
 * @param presence whether presence is tracked and may be asked for
 * @param joinLeave whether subscribers are told when others join and leave
 * @param publish whether clients may publish (the HTTP API always may)
 * @param maxMessageSize the largest payload a publish may carry, in bytes
 */
public record NamespaceOptions(
    int historySize,
    Duration historyTtl,
    boolean presence,
    boolean joinLeave,
    boolean publish,
    int maxMessageSize) {

  public NamespaceOptions {
    if (historySize < 0) {
      throw new IllegalArgumentException("historySize must not be negative");
    }
    if (historySize > 0 && (historyTtl.isZero() || historyTtl.isNegative())) {
      throw new IllegalArgumentException("a namespace with history needs a positive history ttl");
    }
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize must be positive");
    }
  }

  /** No history, no presence, clients may publish up to 64 KiB. */
  public static NamespaceOptions plain() {
    return new NamespaceOptions(0, Duration.ZERO, false, false, true, 64 * 1024);
  }

  public boolean keepsHistory() {
    return historySize > 0;
  }
}
