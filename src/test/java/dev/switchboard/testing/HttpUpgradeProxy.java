package dev.switchboard.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on loopback for browser tests, playing the proxies that stand between users and
 * a hub: it forwards requests to one node and, depending on its {@link Upgrades} mode, lets
 * WebSocket upgrades through, refuses them like a corporate proxy ({@code 403} and close), or
 * passes the {@code 101} and then cuts the connection (a proxy that does not understand the
 * upgraded stream). {@link #cutAll()} breaks every connection at once, SSE streams included; {@link
 * #retarget(int)} sends new connections to another node.
 *
 * <p>Each client connection gets its own upstream connection, opened to the target of the moment at
 * its first request. Requests are read one by one (head, then a body of {@code Content-Length}
 * bytes), so an upgrade is seen even on a kept-alive connection; after an upgrade, or a chunked
 * request body, bytes flow untouched. Responses always flow untouched.
 */
public final class HttpUpgradeProxy implements AutoCloseable {
  /** What the proxy does with a request carrying {@code Upgrade: websocket}. */
  public enum Upgrades {
    ALLOW,
    REFUSE,
    CUT_AFTER_101
  }

  /** The longest request head read; browsers send a few hundred bytes. */
  private static final int MAX_HEAD = 64 * 1024;

  private static final byte[] FORBIDDEN =
      ("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 27\r\n"
              + "Connection: close\r\n\r\nWebSocket is not permitted")
          .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger upgradesCut = new AtomicInteger();
  private final AtomicInteger upgradesPassed = new AtomicInteger();
  private volatile InetSocketAddress target;
  private volatile Upgrades upgrades;
  private volatile boolean closed;

  public HttpUpgradeProxy(int targetPort, Upgrades upgrades) throws IOException {
    this.target = new InetSocketAddress("127.0.0.1", targetPort);
    this.upgrades = upgrades;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(this::accept, "http-upgrade-proxy");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>}: the origin of pages loaded through the proxy. */
  public String origin() {
    return "http://127.0.0.1:" + port();
  }

  /** From now on, upgrades on new requests are handled this way. */
  public void upgrades(Upgrades mode) {
    this.upgrades = mode;
  }

  /** New connections go to {@code port} from now on; connections made stay where they are. */
  public void retarget(int port) {
    this.target = new InetSocketAddress("127.0.0.1", port);
  }

  /** Upgrade requests answered with 403 so far. */
  public int refused() {
    return refused.get();
  }

  /** Upgrades whose 101 was passed and the connection then cut, so far. */
  public int upgradesCut() {
    return upgradesCut.get();
  }

  /** Upgrades let through so far. */
  public int upgradesPassed() {
    return upgradesPassed.get();
  }

  /** Closes every connection now, both sides: the browser sees its streams and sockets break. */
  public void cutAll() {
    for (Socket s : sockets) {
      quietly(s);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread t = new Thread(() -> serve(client), "http-upgrade-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Reads the client's requests in turn and forwards them, applying the upgrade mode. */
  private void serve(Socket client) {
    Socket upstream = null;
    try {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream toClient = client.getOutputStream();
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        boolean upgrade = header(text, "upgrade").equalsIgnoreCase("websocket");
        Upgrades mode = upgrades;
        if (upgrade && mode == Upgrades.REFUSE) {
          refused.incrementAndGet();
          toClient.write(FORBIDDEN);
          toClient.flush();
          return;
        }
        if (upstream == null) {
          upstream = new Socket();
          sockets.add(upstream);
          upstream.connect(target, 5000);
          Socket from = upstream;
          boolean cut = upgrade && mode == Upgrades.CUT_AFTER_101;
          pump(from, client, cut);
        }
        OutputStream toUpstream = upstream.getOutputStream();
        toUpstream.write(head);
        String chunked = header(text, "transfer-encoding").toLowerCase(Locale.ROOT);
        if (upgrade || chunked.contains("chunked")) {
          if (upgrade && mode == Upgrades.ALLOW) {
            upgradesPassed.incrementAndGet();
          }
          in.transferTo(toUpstream); // the rest is not HTTP requests any more
          return;
        }
        String length = header(text, "content-length");
        copy(in, toUpstream, length.isEmpty() ? 0 : Long.parseLong(length));
        toUpstream.flush();
      }
    } catch (IOException | RuntimeException e) {
      // cut, refused or closed: the finally closes both sides
    } finally {
      quietly(client);
      if (upstream != null) {
        quietly(upstream);
      }
    }
  }

  /**
   * Copies the upstream's bytes to the client. With {@code cutAfterHead}, only the response head
   * (the 101) goes through, then both connections are closed.
   */
  private void pump(Socket from, Socket to, boolean cutAfterHead) {
    Thread t =
        new Thread(
            () -> {
              try {
                InputStream in = new BufferedInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream();
                if (cutAfterHead) {
                  byte[] head = readHead(in);
                  if (head != null) {
                    out.write(head);
                    out.flush();
                    upgradesCut.incrementAndGet();
                  }
                  return;
                }
                in.transferTo(out);
              } catch (IOException e) {
                // cut
              } finally {
                quietly(from);
                quietly(to);
              }
            },
            "http-upgrade-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** The head up to and including the blank line, or null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0; // of \r\n\r\n
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      if (head.size() > MAX_HEAD) {
        throw new IOException("request head over " + MAX_HEAD + " bytes");
      }
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
    }
    return head.toByteArray();
  }

  /** The value of the first header called {@code name} in {@code head}, or "". */
  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  private static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[16 * 1024];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new IOException("the request body ended early");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }

  private void quietly(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    cutAll();
  }
}
