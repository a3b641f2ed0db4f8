package dev.switchboard.client;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where user code runs: listeners and the continuations of returned futures, in order, on one
 * thread per client (never the socket's reader nor the state thread).
 */
final class Callbacks {
  private static final System.Logger LOG = System.getLogger(Callbacks.class.getName());

  private final Executor executor;

  Callbacks(Executor executor) {
    this.executor = executor;
  }

  /** Runs a listener call; what it throws is logged, not propagated. Dropped once closed. */
  void post(Runnable r) {
    try {
      executor.execute(
          () -> {
            try {
              r.run();
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "a Switchboard client listener threw", e);
            }
          });
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** {@code f}, completed on the callback thread, so the caller's continuations run there. */
  <T> CompletableFuture<T> deliver(CompletableFuture<T> f) {
    return f.thenApplyAsync(v -> v, executor);
  }
}
