package dev.switchboard.engine.redis;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.PresenceStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Presence across nodes: a Redis hash per channel ({@code P p:channel}), one field per connection
 * holding its client info and an expiry time. Each node rewrites its own entries every third of
 * {@code presenceTtl}, so the entries of a node that dies expire by themselves: readers skip and
 * delete entries past their expiry. The hash itself expires when nobody refreshes it.
 */
public final class RedisPresenceStore implements PresenceStore {
  private final RedisLink link;
  private final RedisOptions options;

  /** This node's entries: channel -> connection id -> info. */
  private final Map<String, Map<String, ClientInfo>> local = new ConcurrentHashMap<>();

  private final ScheduledFuture<?> refresher;
  private volatile boolean closed;

  /** A store on the broker's connections (they stay open until both are closed). */
  public RedisPresenceStore(RedisBroker broker) {
    this.link = broker.link().retain();
    this.options = link.options;
    long every = Math.max(100, options.presenceTtl().toMillis() / 3);
    this.refresher =
        link.timer.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletionStage<Void> add(String channel, ClientInfo client) {
    local.computeIfAbsent(channel, c -> new ConcurrentHashMap<>()).put(client.client(), client);
    return write(channel, client);
  }

  @Override
  public CompletionStage<Void> remove(String channel, String clientId) {
    local.computeIfPresent(
        channel,
        (c, entries) -> {
          entries.remove(clientId);
          return entries.isEmpty() ? null : entries;
        });
    return RedisLink.plain(link.async.hdel(key(channel), bytes(clientId)), "presence remove")
        .thenApply(n -> null);
  }

  @Override
  public CompletionStage<List<ClientInfo>> presence(String channel) {
    byte[] key = key(channel);
    return RedisLink.plain(link.async.hgetall(key), "presence")
        .thenApply(
            all -> {
              long now = options.clock().millis();
              List<ClientInfo> out = new ArrayList<>(all.size());
              for (Map.Entry<byte[], byte[]> e : all.entrySet()) {
                if (RedisFormat.expiresAt(e.getValue()) > now) {
                  out.add(RedisFormat.clientInfo(e.getValue()));
                } else {
                  link.async.hdel(key, e.getKey()); // left by a node that died
                }
              }
              return out;
            });
  }

  /** Rewrites this node's entries with a new expiry. */
  private void refresh() {
    if (closed) {
      return;
    }
    local.forEach((channel, entries) -> entries.values().forEach(client -> write(channel, client)));
  }

  private CompletionStage<Void> write(String channel, ClientInfo client) {
    byte[] key = key(channel);
    long ttl = options.presenceTtl().toMillis();
    // Both go out at once, in order, on the one command connection.
    CompletionStage<Boolean> set =
        link.async.hset(
            key,
            bytes(client.client()),
            RedisFormat.clientInfo(client, options.clock().millis() + ttl));
    CompletionStage<Boolean> expire = link.async.pexpire(key, 2 * ttl);
    return RedisLink.plain(set.thenCombine(expire, (a, b) -> b), "presence add")
        .thenApply(n -> null);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    refresher.cancel(false);
    // Other nodes should not show this node's clients until their entries expire.
    List<CompletableFuture<?>> removals = new ArrayList<>();
    local.forEach(
        (channel, entries) ->
            entries
                .keySet()
                .forEach(
                    id ->
                        removals.add(
                            link.async.hdel(key(channel), bytes(id)).toCompletableFuture())));
    try {
      CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
          .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Redis is away: the entries expire after presence-ttl.
    }
    link.release();
  }

  private byte[] key(String channel) {
    return link.key("p:", channel);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
