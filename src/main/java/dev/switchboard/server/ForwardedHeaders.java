package dev.switchboard.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks from a handshake the headers and cookies the configuration forwards to the application's
 * decisions ({@code proxy.headers}, {@code proxy.cookies}). Only those are kept per connection, so
 * a connection costs nothing more when none are configured.
 */
final class ForwardedHeaders {
  private ForwardedHeaders() {}

  /**
   * The forwarded headers, names lower-case, the first value of each; the listed cookies as one
   * {@code cookie} entry ({@code a=1; b=2}). Empty when nothing is configured or present.
   */
  static Map<String, String> of(Map<String, List<String>> headers, EndpointOptions options) {
    if (options.forwardHeaders().isEmpty() && options.forwardCookies().isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    StringBuilder cookies = new StringBuilder();
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (h.getValue().isEmpty()) {
        continue;
      }
      if (options.forwardHeaders().contains(name)) {
        out.put(name, h.getValue().get(0));
      }
      if (name.equals("cookie") && !options.forwardCookies().isEmpty()) {
        for (String line : h.getValue()) {
          for (String pair : line.split(";")) {
            String p = pair.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && options.forwardCookies().contains(p.substring(0, eq).trim())) {
              cookies.append(cookies.length() == 0 ? "" : "; ").append(p);
            }
          }
        }
      }
    }
    if (!options.forwardCookies().isEmpty()) {
      out.remove("cookie"); // only the listed cookies go, even when the header is listed too
      if (cookies.length() > 0) {
        out.put("cookie", cookies.toString());
      }
    }
    return out;
  }
}
