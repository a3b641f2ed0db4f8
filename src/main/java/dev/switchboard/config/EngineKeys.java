package dev.switchboard.config;

import java.time.Duration;

/**
 * Keys of the engine that carries publications between nodes. The Redis key prefix ({@code
 * redis.prefix}) is the Redis engine's own type, declared by the composition root.
 */
public final class EngineKeys {
  public static final Key<String> ENGINE =
      new Key<>(
          "engine",
          "memory",
          Parser.oneOf("memory", "redis"),
          "Where publications travel between nodes: memory (one node, embedded) or redis (many"
              + " nodes sharing channels, history and presence through Redis; see"
              + " docs/CLUSTER.md).");

  public static final Key<String> REDIS_URI =
      new Key<>(
          "redis.uri",
          "redis://127.0.0.1:6379/0",
          Parser.matching(
              "a redis://, rediss://, redis-sentinel://, redis-cluster:// or redis-socket:// URI,"
                  + " e.g."
                  + " redis://127.0.0.1:6379/0",
              s ->
                  s.startsWith("redis://")
                      || s.startsWith("rediss://")
                      || s.startsWith("redis-sentinel://")
                      || s.startsWith("rediss-sentinel://")
                      || s.startsWith("redis-cluster://")
                      || s.startsWith("redis-socket://")),
          "The Redis server for engine=redis: redis://[:password@]host:port/db, rediss:// for TLS,"
              + " or the Sentinels that know the primary:"
              + " redis-sentinel://[:password@]host1:port1,host2:port2/db#primary-name (the node"
              + " follows failovers), or a Redis Cluster's nodes:"
              + " redis-cluster://[:password@]host1:port1,host2:port2 (channels use sharded"
              + " Pub/Sub; pattern subscriptions are refused; see docs/CLUSTER.md).");

  public static final Key<Duration> REDIS_TIMEOUT =
      new Key<>(
          "redis.timeout",
          "5s",
          Parser.duration(Duration.ofMillis(100), Duration.ofMinutes(5)),
          "Longest wait for a Redis command; after it the publish (or read) fails with error"
              + " 109.");

  public static final Key<Duration> REDIS_PRESENCE_TTL =
      new Key<>(
          "redis.presence-ttl",
          "30s",
          Parser.duration(Duration.ofSeconds(1), Duration.ofHours(1)),
          "How long a node's presence entries outlive it when it dies without cleaning up.");

  public static final Key<Duration> REDIS_CANARY_INTERVAL =
      new Key<>(
          "redis.canary-interval",
          "1s",
          Parser.duration(Duration.ofMillis(100), Duration.ofMinutes(1)),
          "How often each node sends a canary through Redis Pub/Sub to itself; when canaries stop"
              + " coming back the node reports not ready.");

  public static final Key<Boolean> REDIS_FAIL_FAST =
      new Key<>(
          "redis.fail-fast",
          "false",
          Parser.bool(),
          "true: a node that cannot reach Redis at start-up does not start (the CLI exits with"
              + " 69). false: it starts anyway, not ready (/ready answers 503, publishes fail with"
              + " error 109), and connects in the background until Redis answers.");

  public static final Key<Duration> REDIS_CONNECT_RETRY_MAX =
      new Key<>(
          "redis.connect-retry-max",
          "5s",
          Parser.duration(Duration.ofMillis(100), Duration.ofMinutes(10)),
          "Longest wait between two attempts to reach Redis when it was unreachable at start-up"
              + " (redis.fail-fast=false): the waits start at 100ms and double up to this, with"
              + " jitter.");

  public static final Key<Duration> HISTORY_META_TTL =
      new Key<>(
          "history.meta-ttl",
          "24h",
          Parser.duration(Duration.ofSeconds(1), Duration.ofDays(365)),
          "How long a channel's position (epoch and offset) is remembered after its last"
              + " publication, so that clients can recover; after that the channel starts over"
              + " with a new epoch.");

  private EngineKeys() {}
}
