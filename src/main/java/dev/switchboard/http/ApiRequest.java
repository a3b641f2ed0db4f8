package dev.switchboard.http;

import java.io.InputStream;
import java.net.InetAddress;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP request as the API sees it.
 *
 * @param method the method, upper case
 * @param path the path below the server root, without query
 * @param query the raw query string, or null
 * @param header looks up a request header by name (case-insensitive), null when absent
 * @param remote the caller's address
 * @param contentLength the declared body length, or -1 when unknown
 * @param body the request body; the API reads at most its size limit plus one byte
 */
public record ApiRequest(
    String method,
    String path,
    @Nullable String query,
    Function<String, @Nullable String> header,
    @Nullable InetAddress remote,
    long contentLength,
    InputStream body) {

  /** Parses the IP literal a server reports as the remote address; no name lookup happens. */
  public static @Nullable InetAddress address(@Nullable String ipLiteral) {
    if (ipLiteral == null || ipLiteral.isEmpty()) {
      return null;
    }
    // Only IPv4 or IPv6 literals reach getByName, so it never resolves a name.
    if (ipLiteral.indexOf(':') < 0 && !ipLiteral.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return null;
    }
    try {
      return InetAddress.getByName(ipLiteral);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
