package dev.switchboard.http;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The request headers by which a reverse proxy, load balancer or CDN says that it forwarded a
 * request. The API uses them for one decision only: without {@code api.keys}, a loopback caller is
 * trusted, but a proxy on the same machine makes every caller look like loopback (the shipped nginx
 * configuration did exactly that). So a request carrying any of these headers is never treated as
 * local, whatever its remote address.
 *
 * <p>The header values are never believed: they only tell that a proxy may be involved. A client
 * can add such a header itself, which only takes away its own loopback exemption. Fail safe: a
 * proxy that sends none of these headers still hides its callers, which is why the shipped nginx
 * configurations do not forward {@code /api/} at all.
 */
final class ProxyHeaders {
  /**
   * RFC 7239 {@code Forwarded} and {@code Via}, the de-facto {@code X-Forwarded-*} family (nginx,
   * Apache, HAProxy, AWS and Google load balancers, Traefik, Envoy) and the client-address headers
   * of nginx setups and CDNs (Cloudflare, Akamai, Fastly).
   */
  static final List<String> NAMES =
      List.of(
          "Forwarded",
          "Via",
          "X-Forwarded-For",
          "X-Forwarded-Host",
          "X-Forwarded-Proto",
          "X-Forwarded-Port",
          "X-Forwarded-Server",
          "X-Forwarded-Prefix",
          "X-Original-Forwarded-For",
          "X-Real-IP",
          "X-Client-IP",
          "X-Cluster-Client-IP",
          "True-Client-IP",
          "CF-Connecting-IP",
          "Fastly-Client-IP");

  private ProxyHeaders() {}

  /**
   * The name of the first forwarding header present (even with an empty value), or null when the
   * request carries none.
   *
   * @param header looks a header up by name, case-insensitively, null when absent
   */
  static @Nullable String firstPresent(Function<String, @Nullable String> header) {
    for (String name : NAMES) {
      if (header.apply(name) != null) {
        return name;
      }
    }
    return null;
  }
}
