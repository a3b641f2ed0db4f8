package dev.switchboard.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Where and how to connect: server address, source addresses and dialect.
 *
 * @param server the server's address (loopback)
 * @param srcAddrs how many 127.0.0.x source addresses to spread connections over (0 = default)
 * @param dialect how messages are wrapped
 * @param origin an Origin header to send, or null
 * @param deflate whether connections offer permessage-deflate (and inflate what arrives compressed)
 */
record Target(
    InetSocketAddress server,
    int srcAddrs,
    Dialect dialect,
    @Nullable String origin,
    boolean deflate) {

  static Target of(String url, int srcAddrs, Dialect dialect, @Nullable String origin) {
    return of(url, srcAddrs, dialect, origin, false);
  }

  static Target of(
      String url, int srcAddrs, Dialect dialect, @Nullable String origin, boolean deflate) {
    URI u = URI.create(url);
    if (!"ws".equals(u.getScheme())) {
      throw new IllegalArgumentException(
          "the load generator speaks ws:// only (loopback benchmarks)");
    }
    String host = u.getHost();
    if (!host.startsWith("127.") && !host.equals("localhost")) {
      throw new IllegalArgumentException("load is only sent to loopback, not to " + host);
    }
    return new Target(
        new InetSocketAddress(host, u.getPort() < 0 ? 80 : u.getPort()),
        srcAddrs,
        dialect,
        origin,
        deflate);
  }

  /** The source address of the {@code i}-th connection, or null for the default. */
  @Nullable InetSocketAddress local(int i) {
    if (srcAddrs <= 1) {
      return null;
    }
    return new InetSocketAddress("127.0.0." + (1 + i % srcAddrs), 0);
  }
}
