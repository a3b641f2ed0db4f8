package dev.switchboard.client;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * Test-only: many real Java clients in one JVM, cheaply. They share one Tyrus client container (its
 * shared Grizzly transport), where each client built the public way gets a container, and with it a
 * transport and threads, of its own: a thousand of those do not fit on a small machine. Each client
 * reaches the nodes through a tiny client-side load balancer: every (re)connect goes to the first
 * node of its list that accepts the handshake.
 */
public final class BalancedClients {
  private final ClientManager container = ClientManager.createClient();

  public BalancedClients() {
    container.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
  }

  /**
   * A client with {@code builder}'s options (its URI aside) that connects to the first of {@code
   * nodes} to accept, on every (re)connect.
   */
  public SwitchboardClient build(SwitchboardClient.Builder builder, List<URI> nodes) {
    Options o = builder.options();
    List<Transport.Connector> each =
        nodes.stream().map(uri -> JakartaTransport.connector(at(o, uri), container)).toList();
    return new JakartaSwitchboardClient(o, listener -> first(each, 0, listener));
  }

  private static CompletableFuture<Transport> first(
      List<Transport.Connector> each, int i, Transport.Listener listener) {
    CompletableFuture<Transport> tried = each.get(i).open(listener);
    if (i + 1 == each.size()) {
      return tried;
    }
    return tried.exceptionallyCompose(e -> first(each, i + 1, listener));
  }

  private static Options at(Options o, URI uri) {
    return new Options(
        uri,
        o.token(),
        o.ssl(),
        o.connectTimeout(),
        o.requestTimeout(),
        o.backoffInitial(),
        o.backoffMax(),
        o.restartJitter(),
        o.maxPendingPublishes(),
        o.listener(),
        o.traces(),
        o.serverSubscriptions());
  }
}
