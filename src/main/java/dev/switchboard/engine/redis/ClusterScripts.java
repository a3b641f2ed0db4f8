package dev.switchboard.engine.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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

  /** One per primary connection (identity), created as calls first reach that connection. */
  private final Map<StatefulRedisConnection<byte[], byte[]>, ScriptCalls> calls =
      new ConcurrentHashMap<>();

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
    StatefulRedisConnection<byte[], byte[]> node;
    try {
      String id = client.getPartitions().getMasterBySlot(SlotHash.getSlot(keys[0])).getNodeId();
      // Opens the connection on the calling thread the first time: a later call of the same
      // channel must not overtake it, which a callback on an opening connection could.
      node = connection.getConnection(id);
    } catch (RuntimeException e) {
      client.refreshPartitionsAsync();
      return CompletableFuture.failedFuture(e);
    }
    return calls
        .computeIfAbsent(node, c -> new ScriptCalls(c, tag))
        .run(script, withoutEmptyTail(keys), args)
        .whenComplete(
            (r, failure) -> {
              if (failure != null && String.valueOf(failure.getMessage()).contains("MOVED")) {
                client.refreshPartitionsAsync();
              }
            });
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
    for (ScriptCalls c : calls.values()) {
      n += c.resent();
    }
    return n;
  }
}
