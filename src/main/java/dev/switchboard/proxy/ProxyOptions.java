package dev.switchboard.proxy;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the proxy asks and how. Each URL is null when that decision is not asked.
 *
 * @param timeout longest wait for one call
 * @param retries further tries after a failed call (not after an answer the backend gave)
 * @param failOpen allow when the backend cannot answer; false (the default) denies
 * @param maxInFlight reader-thread calls (connect, subscribe, publish, rpc) in flight at once
 */
public record ProxyOptions(
    @Nullable URI connect,
    @Nullable URI subscribe,
    @Nullable URI publish,
    @Nullable URI rpc,
    @Nullable URI refresh,
    Duration timeout,
    int retries,
    boolean failOpen,
    int maxInFlight) {

  /** Whether any endpoint is configured. */
  public boolean any() {
    return connect != null
        || subscribe != null
        || publish != null
        || rpc != null
        || refresh != null;
  }
}
