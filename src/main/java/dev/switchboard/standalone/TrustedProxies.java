package dev.switchboard.standalone;

import dev.switchboard.http.ApiRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The reverse proxies ({@code limits.trusted-proxies}) whose {@code X-Forwarded-For} the standalone
 * server believes, for one purpose only: which client address a WebSocket handshake counts against
 * {@code limits.max-connections-per-ip}. Behind nginx every connection comes from nginx's address,
 * so without this the per-address limit counts all clients together.
 *
 * <p>The client is the right-most address of the chain that is not a trusted proxy: walking the
 * header from its end (the entry the last proxy appended) towards its start, each entry is believed
 * only while the hop that added it, the connection's peer first, is trusted. Entries a client put
 * into the header itself are left of its own address and are never reached, unless the client's own
 * address is listed as trusted. A chain of trusted addresses only ends at its left-most entry; an
 * entry that is not an IP literal stops the walk at the hop before it. No name is ever looked up.
 *
 * <p>This never widens what a request may do: the HTTP API still treats any request that carries a
 * forwarding header as not local (see {@code ProxyHeaders}), whatever this says. Immutable.
 */
final class TrustedProxies {
  /** No proxy is trusted: every connection counts against its peer address. */
  static final TrustedProxies NONE = new TrustedProxies(List.of());

  /** One address range: the first {@code bits} bits of {@code network}. */
  private record Range(byte[] network, int bits) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (b[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (b[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = ranges;
  }

  /**
   * Parses IP addresses and CIDR ranges separated by commas or spaces, like {@code 127.0.0.1,
   * 10.0.0.0/8, ::1}; the empty text trusts nobody.
   *
   * @throws IllegalArgumentException naming the entry that is not an IP literal or range
   */
  static TrustedProxies parse(String value) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : value.trim().split("[,\\s]+")) {
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      InetAddress a = ApiRequest.address(slash < 0 ? entry : entry.substring(0, slash));
      if (a == null) {
        throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
      }
      int max = a.getAddress().length * 8;
      int bits = max;
      if (slash >= 0) {
        String n = entry.substring(slash + 1);
        if (!n.matches("\\d{1,3}") || Integer.parseInt(n) > max) {
          throw new IllegalArgumentException(
              "'" + entry + "' has a prefix length outside 0.." + max);
        }
        bits = Integer.parseInt(n);
      }
      ranges.add(new Range(a.getAddress(), bits));
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  private boolean trusts(@Nullable InetAddress a) {
    if (a == null) {
      return false;
    }
    for (Range r : ranges) {
      if (r.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The address a handshake from {@code peer} counts against: {@code peer} itself unless it is a
   * trusted proxy, else the right-most untrusted entry of {@code forwardedFor} (see the class
   * comment).
   *
   * @param peer the TCP peer's IP literal
   * @param forwardedFor the request's {@code X-Forwarded-For} header values in the order received
   */
  String clientAddress(String peer, List<String> forwardedFor) {
    InetAddress hop = ApiRequest.address(peer);
    if (!trusts(hop) || forwardedFor.isEmpty()) {
      return peer;
    }
    List<String> chain = new ArrayList<>();
    for (String value : forwardedFor) {
      for (String entry : value.split(",")) {
        chain.add(entry.trim());
      }
    }
    @Nullable InetAddress client = hop;
    for (int i = chain.size() - 1; i >= 0 && trusts(client); i--) {
      InetAddress next = ApiRequest.address(chain.get(i));
      if (next == null) {
        break; // not an address: believe nothing further left
      }
      client = next;
    }
    return client == null ? peer : client.getHostAddress();
  }
}
