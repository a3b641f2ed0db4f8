package dev.switchboard.config;

import java.net.URI;
import java.time.Duration;

/**
 * Keys of the HTTP proxy: the application's backend deciding connect, subscribe and publish and
 * answering {@code rpc} commands (see docs/INTEGRATION.md). Every endpoint is optional; an empty
 * URL leaves that decision to the configured permissions.
 */
public final class ProxyKeys {
  /** Three retries at most: a backend that fails four times in a row is down, not flaky. */
  private static final int MAX_RETRIES = 3;

  static final String INTRO =
      "Each URL is an http:// or https:// endpoint of the application's backend that receives a"
          + " JSON POST per decision; see docs/INTEGRATION.md for the request and answer shapes."
          + " The proxy is asked after the configured permissions allowed the action: it can only"
          + " narrow them. Decisions are synchronous on the connection's reader thread.";

  public static final Key<String> CONNECT_URL =
      url(
          "proxy.connect.url",
          "a connection opens (the answer may set its user, channels to subscribe it to and an"
              + " expiry)");

  public static final Key<String> SUBSCRIBE_URL = url("proxy.subscribe.url", "a client subscribes");

  public static final Key<String> PUBLISH_URL =
      url("proxy.publish.url", "a client publishes (the answer may rewrite the data)");

  public static final Key<String> RPC_URL =
      url("proxy.rpc.url", "a client sends an rpc command (the answer is the reply)");

  public static final Key<String> REFRESH_URL =
      url(
          "proxy.refresh.url",
          "a connection reaches the expiry (expire_at) a connect answer gave it; the answer"
              + " extends it or lets it expire (closed with 4003)");

  public static final Key<Duration> TIMEOUT =
      new Key<>(
          "proxy.timeout",
          "1s",
          Parser.duration(Duration.ofMillis(10), Duration.ofSeconds(30)),
          "Longest wait for one backend call, connecting included. The call blocks the"
              + " connection's reader thread for at most timeout x (retries + 1).");

  public static final Key<Integer> RETRIES =
      new Key<>(
          "proxy.retries",
          "0",
          Parser.integer(0, MAX_RETRIES),
          "How many more times a failed backend call (timeout, connection refused, HTTP status"
              + " other than 200, malformed answer) is tried before the proxy.fail default"
              + " applies.");

  public static final Key<Integer> MAX_IN_FLIGHT =
      new Key<>(
          "proxy.max-in-flight",
          "0",
          Parser.integer(0, 100_000),
          "Connect, subscribe, publish and rpc calls to the backend in flight at once, across the"
              + " server; 0: one per processor (half the standalone server's worker threads). Each"
              + " call holds the thread that reads its client's frames: a call over the limit"
              + " waits at most 100 ms for a free slot, then fails at once like a backend that"
              + " cannot answer (proxy.fail applies), so a slow backend cannot take every reader."
              + " Raise it with the container's thread pool in a WAR.");

  public static final Key<String> FAIL =
      new Key<>(
          "proxy.fail",
          "closed",
          Parser.oneOf("closed", "open"),
          "What a decision is when the backend cannot answer: closed denies (error 111 with a"
              + " reason saying the backend is unavailable; rpc answers error 109), open allows"
              + " (connect, subscribe, publish as sent). A backend's own error answer always"
              + " denies.");

  public static final Key<String> HEADERS =
      names(
          "proxy.headers",
          "Handshake headers sent to the backend with every decision (in the request's headers"
              + " object and as HTTP headers), comma-separated, like X-Tenant, Authorization."
              + " Empty: none.");

  public static final Key<String> COOKIES =
      names(
          "proxy.cookies",
          "Cookies of the handshake sent to the backend with every decision (as a Cookie header"
              + " holding only these), comma-separated, like session. Empty: none.");

  private ProxyKeys() {}

  private static Key<String> names(String name, String doc) {
    return new Key<>(
        name,
        "",
        Parser.matching(
            "names separated by commas, like X-Tenant, Authorization",
            s ->
                s.matches(
                    "[A-Za-z0-9!#$%&'*+.^_`|~\\-]*(\\s*,\\s*[A-Za-z0-9!#$%&'*+.^_`|~\\-]+)*")),
        doc);
  }

  private static boolean httpUrl(String s) {
    try {
      URI u = URI.create(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Key<String> url(String name, String when) {
    return new Key<>(
        name,
        "",
        Parser.matching("empty, or an http:// or https:// URL", s -> s.isEmpty() || httpUrl(s)),
        "Backend endpoint asked when " + when + ". Empty: not asked.");
  }
}
