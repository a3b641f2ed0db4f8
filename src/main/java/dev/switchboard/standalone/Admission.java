package dev.switchboard.standalone;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Which WebSocket handshakes the node accepts: at most a number of connections in total and per
 * remote address, and new connections at a bounded rate (token bucket, bursts of twice the rate).
 * The remote address is the connection's peer, or behind a trusted proxy the client it names
 * ({@link TrustedProxies}). Thread-safe; handshakes are rare enough for one lock.
 */
final class Admission {
  /** Why a handshake is refused, with the HTTP status it gets. */
  enum Refusal {
    FULL(503, "the server is at its connection limit"),
    PER_IP(429, "too many connections from this address"),
    RATE(429, "too many new connections; retry shortly");

    final int status;
    final String message;

    Refusal(int status, String message) {
      this.status = status;
      this.message = message;
    }
  }

  private final int maxTotal;
  private final int maxPerIp;
  private final double perNano;
  private final double burst;
  private final Map<String, Integer> perIp = new HashMap<>();
  private final LongSupplier nanoTime;
  private final TrustedProxies proxies;
  private int total;
  private double tokens;
  private long last;

  Admission(int maxTotal, int maxPerIp, int connectRatePerSecond) {
    this(maxTotal, maxPerIp, connectRatePerSecond, System::nanoTime, TrustedProxies.NONE);
  }

  /** As above, counting clients behind {@code proxies} by the address the proxies name. */
  Admission(int maxTotal, int maxPerIp, int connectRatePerSecond, TrustedProxies proxies) {
    this(maxTotal, maxPerIp, connectRatePerSecond, System::nanoTime, proxies);
  }

  /** As above, with the clock the bucket refills by ({@code System::nanoTime}, or a test's). */
  Admission(int maxTotal, int maxPerIp, int connectRatePerSecond, LongSupplier nanoTime) {
    this(maxTotal, maxPerIp, connectRatePerSecond, nanoTime, TrustedProxies.NONE);
  }

  private Admission(
      int maxTotal,
      int maxPerIp,
      int connectRatePerSecond,
      LongSupplier nanoTime,
      TrustedProxies proxies) {
    this.proxies = proxies;
    this.maxTotal = maxTotal;
    this.maxPerIp = maxPerIp;
    this.perNano = connectRatePerSecond / 1e9;
    this.burst = 2.0 * connectRatePerSecond;
    this.tokens = burst;
    this.nanoTime = nanoTime;
    this.last = nanoTime.getAsLong();
  }

  /**
   * The address a handshake from {@code peer} with these {@code X-Forwarded-For} values counts
   * against; {@link #admit} and {@link #release} take it.
   */
  String clientAddress(String peer, List<String> forwardedFor) {
    return proxies.isEmpty() ? peer : proxies.clientAddress(peer, forwardedFor);
  }

  /** Admits a connection from {@code ip}, or says why not. Admitted ones must be released. */
  synchronized @Nullable Refusal admit(String ip) {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (total >= maxTotal) {
      return Refusal.FULL;
    }
    int fromIp = perIp.getOrDefault(ip, 0);
    if (fromIp >= maxPerIp) {
      return Refusal.PER_IP;
    }
    if (tokens < 1) {
      return Refusal.RATE;
    }
    tokens -= 1;
    total++;
    perIp.put(ip, fromIp + 1);
    return null;
  }

  synchronized void release(String ip) {
    total--;
    perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }

  synchronized int total() {
    return total;
  }
}
