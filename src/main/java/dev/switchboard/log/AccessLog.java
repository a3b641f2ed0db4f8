package dev.switchboard.log;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The handshake access log: one line per WebSocket connection attempt on the hub and echo
 * endpoints, at INFO on the logger {@value #LOGGER}, switched off with {@code log.access=false}.
 *
 * <p>An accepted connection is written once, when it closes, so that its line carries the close
 * code and how long it lived; nothing is written when it opens. A refused handshake is written when
 * it is refused. Lines are {@code key=value} pairs in a fixed order:
 *
 * <pre>
 * path=/ws remote=127.0.0.1 origin="http://localhost:8080" user="alice" result=closed code=1000 reason="" duration_ms=5230
 * path=/ws remote=10.0.0.7 origin="https://elsewhere.example" user=- result=refused status=403 reason="origin ... is not allowed" duration_ms=2
 * </pre>
 *
 * <ul>
 *   <li>{@code remote}: the address the server's limits see, the TCP peer (behind a proxy, the
 *       proxy; forwarding headers are not believed); {@code -} where the container does not tell.
 *   <li>{@code user}: the connection's user after authentication, at the time it closed; {@code -}
 *       when anonymous or refused.
 *   <li>{@code duration_ms}: for a closed connection, from the endpoint's open to its close; for a
 *       refusal, from the TCP accept (or the end of the connection's previous HTTP request) to the
 *       refusal, where the server knows it, else 0.
 * </ul>
 *
 * <p>Refusals come at the rate a client can send handshakes, so they are limited per status: at
 * most {@link #REFUSALS_PER_INTERVAL} per {@link #REFUSAL_INTERVAL} for each status, then a line
 * counting the rest ({@link LogLimiter}). Accepted connections are bounded by the connection limits
 * and are all written.
 *
 * <p>Cost: nothing on the delivery path; per connection one small {@link Entry} while it is open
 * and one line at its close; nothing at all when switched off or when {@value #LOGGER} is not
 * written at INFO when the connection opens. Thread-safe.
 */
public final class AccessLog {
  /** The logger's name, to route or silence the access log on its own. */
  public static final String LOGGER = "switchboard.access";

  /**
   * Refusal lines per status per interval: enough to see who is knocking, while a flood of
   * handshakes (the connection limits answer it with 429 or 503) writes one summary line instead.
   */
  static final int REFUSALS_PER_INTERVAL = 20;

  /** See {@link #REFUSALS_PER_INTERVAL}. */
  static final Duration REFUSAL_INTERVAL = Duration.ofSeconds(10);

  /** Longest origin written; a header value is the client's to choose. */
  static final int MAX_VALUE_CHARS = 200;

  /** The access log switched off. */
  public static final AccessLog OFF =
      new AccessLog(false, System.getLogger(LOGGER), System::nanoTime);

  private final System.Logger log;
  private final LongSupplier nanoTime;

  /** Null when switched off: then nothing here holds state (so {@link #OFF} can be shared). */
  private final @Nullable LogLimiter refusals;

  AccessLog(boolean enabled, System.Logger log, LongSupplier nanoTime) {
    this.log = log;
    this.nanoTime = nanoTime;
    this.refusals =
        enabled ? new LogLimiter(log, REFUSALS_PER_INTERVAL, REFUSAL_INTERVAL, nanoTime) : null;
  }

  /** The access log on {@value #LOGGER}, or {@link #OFF} when {@code enabled} is false. */
  public static AccessLog create(boolean enabled) {
    return enabled ? new AccessLog(true, System.getLogger(LOGGER), System::nanoTime) : OFF;
  }

  /** The monotonic time now, to pass as a refusal's start where nothing earlier is known. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /**
   * A handshake refused before it became a connection.
   *
   * @param startNanos when the handshake began ({@code System.nanoTime()}), or {@link #now()}
   */
  public void refused(
      String path,
      @Nullable String remote,
      @Nullable String origin,
      int status,
      String reason,
      long startNanos) {
    LogLimiter limiter = refusals;
    if (limiter == null) {
      return;
    }
    long now = nanoTime.getAsLong();
    limiter.log(
        Level.INFO,
        "refused " + status,
        () ->
            head(path, remote, origin, null)
                + " result=refused status="
                + status
                + " reason="
                + quoted(reason)
                + " duration_ms="
                + TimeUnit.NANOSECONDS.toMillis(now - startNanos),
        null);
  }

  /**
   * A connection the endpoint opened; its line is written by {@link Entry#closed}. Null when the
   * access log is off or not written at INFO, so an open connection then costs nothing.
   */
  public @Nullable Entry opened(String path, @Nullable String remote, @Nullable String origin) {
    if (refusals == null || !log.isLoggable(Level.INFO)) {
      return null;
    }
    return new Entry(path, remote, origin, nanoTime.getAsLong());
  }

  /** One open connection's part of its line. Closed once; later calls write nothing. */
  public final class Entry {
    private final String path;
    private final @Nullable String remote;
    private final @Nullable String origin;
    private final long openedNanos;

    /** Whether the line was written; guarded by this. */
    private boolean written;

    private Entry(String path, @Nullable String remote, @Nullable String origin, long openedNanos) {
      this.path = path;
      this.remote = remote;
      this.origin = origin;
      this.openedNanos = openedNanos;
    }

    /** Writes the connection's line: it closed with {@code code} and {@code reason}. */
    public void closed(@Nullable String user, int code, String reason) {
      synchronized (this) {
        if (written) {
          return;
        }
        written = true;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - openedNanos);
      log.log(
          Level.INFO,
          head(path, remote, origin, user)
              + " result=closed code="
              + code
              + " reason="
              + quoted(reason)
              + " duration_ms="
              + millis);
    }
  }

  private static String head(
      String path, @Nullable String remote, @Nullable String origin, @Nullable String user) {
    return "path="
        + path
        + " remote="
        + (remote == null || remote.isEmpty() ? "-" : plain(remote))
        + " origin="
        + (origin == null ? "-" : quoted(origin))
        + " user="
        + (user == null ? "-" : quoted(user));
  }

  /** {@code s} in double quotes, cut to {@link #MAX_VALUE_CHARS}, quotes and controls escaped. */
  static String quoted(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_VALUE_CHARS) + 2).append('"');
    int n = Math.min(s.length(), MAX_VALUE_CHARS);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > n) {
      b.append("...");
    }
    return b.append('"').toString();
  }

  /** An address: written as it is, but never with spaces or controls that would split a line. */
  private static String plain(String s) {
    return s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"') ? s : quoted(s);
  }
}
