package dev.switchboard.engine.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The engine's scripts on a Redis Cluster: each call goes to the primary that owns the slot of its
 * first key (all of a call's keys share one hash tag, so one slot), through one {@link ScriptCalls}
 * per primary connection.
 *
 * <p>Why not through the cluster connection's own routing: {@link ScriptCalls} keeps issue order
 * across a NOSCRIPT reload by holding new calls until every earlier call on the <em>same
 * connection</em> was resent. On a cluster each primary forgets scripts on its own (a promoted
 * replica never had them loaded by this node), so that state must be per primary connection; one
 * {@link ScriptCalls} per node connection keeps the proven single-Redis logic unchanged, each call
 * of a channel going through the same one while the slot stays where it is.
 *
 * <p>The price: a call to a primary that lost the slot (a resharding under way) fails with MOVED
 * instead of being redirected; the failure asks Lettuce to refresh its view of the slots, and the
 * client may retry (with an idempotency key when it must not be applied twice).
 */
final class ClusterScripts implements ScriptRunner {
  private final RedisClusterClient client;
  private final StatefulRedisClusterConnection<byte[], byte[]> connection;
  private final String tag;

  /** Node id -> the scripts on that primary's connection, opening or open. */
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();

  ClusterScripts(
      RedisClusterClient client,
      StatefulRedisClusterConnection<byte[], byte[]> connection,
      String tag) {
    this.client = client;
    this.connection = connection;
    this.tag = tag;
  }

  @Override
  public ScriptCalls.Script script(String source) {
    String text = source + "\n-- switchboard " + tag + "\n";
    return new ScriptCalls.Script(
        text.getBytes(StandardCharsets.UTF_8),
        connection.async().digest(text).getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public CompletionStage<List<Object>> run(
      ScriptCalls.Script script, byte[][] keys, byte[][] args) {
    String id;
    try {
      id = client.getPartitions().getMasterBySlot(SlotHash.getSlot(keys[0])).getNodeId();
    } catch (RuntimeException e) {
      client.refreshPartitionsAsync();
      return CompletableFuture.failedFuture(e);
    }
    Node node = nodes.computeIfAbsent(id, Node::new);
    if (node.stale()) {
      nodes.remove(id, node);
      node = nodes.computeIfAbsent(id, Node::new);
    }
    return node.run(script, withoutEmptyTail(keys), args)
        .whenComplete(
            (r, failure) -> {
              if (failure != null && String.valueOf(failure.getMessage()).contains("MOVED")) {
                client.refreshPartitionsAsync();
              }
            });
  }

  /** A call waiting for its node's connection. */
  private record Waiting(
      ScriptCalls.Script script,
      byte[][] keys,
      byte[][] args,
      CompletableFuture<List<Object>> out) {}

  /**
   * The scripts on one primary's connection. The connection opens asynchronously (a call may come
   * on one of Lettuce's own threads, which must never wait for a connect); calls made meanwhile
   * wait in a queue and go out in their order once it is open, before any later call.
   */
  private final class Node {
    private final String id;

    /** Calls waiting for the connection, in issue order. Guarded by {@code this}. */
    private final List<Waiting> waiting = new ArrayList<>();

    /** Set once the connection is open and every waiting call went out. */
    private volatile @Nullable ScriptCalls calls;

    private volatile @Nullable StatefulRedisConnection<byte[], byte[]> open;

    /** Whether opening failed; the node is then opened afresh by the next call. */
    private volatile boolean failed;

    Node(String id) {
      this.id = id;
      connection.getConnectionAsync(id).whenComplete(this::opened);
    }

    boolean stale() {
      StatefulRedisConnection<byte[], byte[]> c = open;
      return failed || (c != null && !c.isOpen());
    }

    CompletionStage<List<Object>> run(ScriptCalls.Script script, byte[][] keys, byte[][] args) {
      ScriptCalls c = calls;
      if (c == null) {
        synchronized (this) {
          c = calls;
          if (c == null && !failed) {
            Waiting w = new Waiting(script, keys, args, new CompletableFuture<>());
            waiting.add(w);
            return w.out();
          }
        }
      }
      return c == null ? unreachable() : c.run(script, keys, args);
    }

    private <T> CompletionStage<T> unreachable() {
      return CompletableFuture.failedFuture(
          new RedisUnavailableException("cannot connect to cluster node " + id));
    }

    /** Sends the waiting calls in order; only then do new calls go straight out. */
    private void opened(
        @Nullable StatefulRedisConnection<byte[], byte[]> c, @Nullable Throwable failure) {
      ScriptCalls ready = c == null ? null : new ScriptCalls(c, tag);
      open = c;
      while (true) {
        List<Waiting> batch;
        synchronized (this) {
          if (waiting.isEmpty()) {
            calls = ready;
            failed = ready == null;
            return;
          }
          batch = new ArrayList<>(waiting);
          waiting.clear();
        }
        for (Waiting w : batch) {
          CompletionStage<List<Object>> sent =
              ready == null ? unreachable() : ready.run(w.script(), w.keys(), w.args());
          sent.whenComplete(
              (r, f) -> {
                if (f == null) {
                  w.out().complete(r);
                } else {
                  w.out().completeExceptionally(f);
                }
              });
        }
      }
    }
  }

  /**
   * The keys without the empty ones at the end (an absent idempotency key): Redis Cluster refuses a
   * call whose declared keys are in several slots, and the empty key is in slot 0.
   */
  private static byte[][] withoutEmptyTail(byte[][] keys) {
    int n = keys.length;
    while (n > 1 && keys[n - 1].length == 0) {
      n--;
    }
    return n == keys.length ? keys : java.util.Arrays.copyOf(keys, n);
  }

  @Override
  public long resent() {
    long n = 0;
    for (Node node : nodes.values()) {
      ScriptCalls c = node.calls;
      n += c == null ? 0 : c.resent();
    }
    return n;
  }
}
