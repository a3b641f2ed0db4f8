package dev.switchboard.standalone;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Knows every open TCP connection of the listener, so a stop can let each one flush what is
 * queued (the 1001 close frames above all) before the server goes down: Grizzly's graceful {@code
 * close()} writes out the pending queue first, {@code shutdownNow} does not.
 */
final class ConnectionTracker extends BaseFilter implements AddOn {
  private final Set<Connection<?>> open = ConcurrentHashMap.newKeySet();

  @Override
  public void setup(NetworkListener listener, FilterChainBuilder builder) {
    builder.add(builder.indexOfType(TransportFilter.class) + 1, this);
  }

  @Override
  public NextAction handleAccept(FilterChainContext ctx) throws IOException {
    open.add(ctx.getConnection());
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleClose(FilterChainContext ctx) throws IOException {
    open.remove(ctx.getConnection());
    return ctx.getInvokeAction();
  }

  /** Closes every connection after its queued writes, waiting until {@code deadlineNanos}. */
  void closeGracefully(long deadlineNanos) {
    List<Connection<?>> connections = List.copyOf(open);
    connections.forEach(Connection::close);
    for (Connection<?> c : connections) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        c.closeFuture().get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        return; // shutdownNow follows and ends what is left
      }
    }
  }
}
