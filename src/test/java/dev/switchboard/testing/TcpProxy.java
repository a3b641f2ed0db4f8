package dev.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback for tests: forwards to a target and can cut every connection at once
 * (like a network failure) or refuse new ones for a while.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private volatile List<InetSocketAddress> targets;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;
  private volatile boolean frozen;
  private volatile boolean closed;

  /** Connections accepted and forwarded so far, for tests that wait for a reconnect. */
  private final java.util.concurrent.atomic.AtomicInteger forwarded =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * @param targetPorts loopback ports to forward to: each connection goes to the first that accepts
   *     it, like a load balancer failing over
   */
  public TcpProxy(int... targetPorts) throws IOException {
    this.targets = loopback(targetPorts);
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(this::accept, "tcp-proxy");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /**
   * Forwards new connections to {@code targetPorts} from now on (connections already made stay
   * where they are): a server restarted on another port behind the same address.
   */
  public void retarget(int... targetPorts) {
    this.targets = loopback(targetPorts);
  }

  private static List<InetSocketAddress> loopback(int... ports) {
    return java.util.Arrays.stream(ports)
        .mapToObj(p -> new InetSocketAddress("127.0.0.1", p))
        .toList();
  }

  /** How many connections were accepted and forwarded so far. */
  public int forwarded() {
    return forwarded.get();
  }

  /** Closes every proxied connection now. */
  public void cutAll() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    sockets.clear();
  }

  /**
   * While frozen, nothing is forwarded in either direction but every connection stays open: a
   * network that silently stops delivering.
   */
  public void freeze(boolean frozen) {
    this.frozen = frozen;
  }

  /** While refusing, new connections are accepted and closed at once. */
  public void refuse(boolean refusing) {
    this.refusing = refusing;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (refusing) {
          client.close();
          continue;
        }
        Socket upstream = connectUpstream();
        if (upstream == null) {
          client.close();
          continue;
        }
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
        forwarded.incrementAndGet();
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private Socket connectUpstream() {
    for (InetSocketAddress target : targets) {
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 5000);
        return upstream;
      } catch (IOException e) {
        try {
          upstream.close();
        } catch (IOException ignored) {
          // not connected
        }
      }
    }
    return null;
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  while (frozen && !closed) {
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                  }
                  out.write(buf, 0, n);
                }
              } catch (IOException e) {
                // cut
              } finally {
                try {
                  from.close();
                  to.close();
                } catch (IOException e) {
                  // closing anyway
                }
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    cutAll();
  }
}
