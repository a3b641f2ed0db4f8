package dev.switchboard.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's counters, shown under {@code proxy} in {@code /api/stats}. Each only grows. Safe from
 * any thread.
 */
public final class ProxyStats {
  /** Calls made to the backend, retries included. */
  final LongAdder requests = new LongAdder();

  /** Calls that were retries of a failed call. */
  final LongAdder retries = new LongAdder();

  /** Decisions the backend answered with an error (deny). */
  final LongAdder denials = new LongAdder();

  /** Calls that failed: timeouts, connection errors, HTTP status other than 200, bad answers. */
  final LongAdder failures = new LongAdder();

  /** Of the failures, those that timed out. */
  final LongAdder timeouts = new LongAdder();

  /** Of the failures, answers that were not a valid JSON answer of the documented shape. */
  final LongAdder malformed = new LongAdder();

  /** Decisions taken by {@code proxy.fail} because the backend could not answer. */
  final LongAdder fallbacks = new LongAdder();

  /** Calls not made: {@code proxy.max-in-flight} calls were in flight (a slow backend). */
  final LongAdder rejected = new LongAdder();

  /** The counters by name. */
  public Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", requests.sum());
    m.put("retries", retries.sum());
    m.put("denials", denials.sum());
    m.put("failures", failures.sum());
    m.put("timeouts", timeouts.sum());
    m.put("malformed", malformed.sum());
    m.put("fallbacks", fallbacks.sum());
    m.put("rejected", rejected.sum());
    return m;
  }
}
