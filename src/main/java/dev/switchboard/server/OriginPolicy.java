package dev.switchboard.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which browser origins may open a WebSocket. Browsers send {@code Origin} with every WebSocket
 * handshake and, unlike for fetches, nothing stops a page on any site from connecting: the server
 * must decide. Clients that send no {@code Origin} (services, CLIs) are not browsers and pass.
 *
 * <p>Entries are origins {@code scheme://host[:port]}; {@code *} as the port matches any port, a
 * host starting with {@code *.} matches its subdomains, and a lone {@code *} allows every origin.
 * Immutable and thread-safe.
 */
public final class OriginPolicy {
  /** Loopback origins on any port: the default, next to the server's own origin. */
  public static final List<String> LOCALHOST =
      List.of(
          "http://localhost:*", "https://localhost:*",
          "http://127.0.0.1:*", "https://127.0.0.1:*",
          "http://[::1]:*", "https://[::1]:*");

  private final boolean any;
  private final List<Entry> entries;

  private OriginPolicy(boolean any, List<Entry> entries) {
    this.any = any;
    this.entries = entries;
  }

  /**
   * Parses an allow-list.
   *
   * @throws IllegalArgumentException naming the entry that is not an origin pattern
   */
  public static OriginPolicy of(List<String> patterns) {
    boolean any = false;
    List<Entry> entries = new ArrayList<>();
    for (String raw : patterns) {
      String p = raw.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.equals("*")) {
        any = true;
        continue;
      }
      entries.add(Entry.parse(p));
    }
    return new OriginPolicy(any, List.copyOf(entries));
  }

  /** Whether a handshake carrying this {@code Origin} header (possibly null) may proceed. */
  public boolean allows(@Nullable String origin) {
    if (origin == null || any) {
      return true;
    }
    Entry o;
    try {
      o = Entry.parse(origin);
    } catch (IllegalArgumentException e) {
      return false; // "null" (sandboxed frames, file://) and garbage are not allowed origins
    }
    for (Entry e : entries) {
      if (e.matches(o)) {
        return true;
      }
    }
    return false;
  }

  private record Entry(String scheme, String host, int port) {
    static final int ANY_PORT = -2;

    /** scheme://host[:port], host a name, an IPv4 address or a bracketed IPv6 address. */
    static final Pattern ORIGIN =
        Pattern.compile(
            "(?i)(https?)://(\\[[0-9a-f:.]+]|(?:\\*\\.)?[a-z0-9.-]+)(?::(\\d{1,5}|\\*))?");

    static Entry parse(String text) {
      Matcher m = ORIGIN.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("not an origin: " + text);
      }
      String scheme = m.group(1).toLowerCase(Locale.ROOT);
      String host = m.group(2).toLowerCase(Locale.ROOT);
      String portText = m.group(3);
      int port;
      if (portText == null) {
        port = scheme.equals("https") ? 443 : 80;
      } else if (portText.equals("*")) {
        port = ANY_PORT;
      } else {
        port = Integer.parseInt(portText);
      }
      return new Entry(scheme, host, port);
    }

    boolean matches(Entry origin) {
      if (!scheme.equals(origin.scheme)) {
        return false;
      }
      if (port != ANY_PORT && port != origin.port) {
        return false;
      }
      if (host.startsWith("*.")) {
        return origin.host.endsWith(host.substring(1));
      }
      return host.equals(origin.host);
    }
  }
}
