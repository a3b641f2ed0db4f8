package dev.switchboard.engine.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One node's connections to Redis, shared by its broker and presence store: a command connection
 * (scripts, reads, PUBLISH) and a Pub/Sub connection, both reconnecting by themselves, plus a timer
 * for canaries and presence refreshes. Closed when its last user releases it.
 *
 * <p>Reliability choices: while disconnected, commands are refused at once instead of queued, and a
 * command whose connection broke before its answer is never sent again. A publish whose outcome is
 * unknown therefore fails (the client may retry with an idempotency key) instead of perhaps being
 * delivered twice, and nothing waits on a dead link for longer than the timeout.
 */
final class RedisLink {
  final RedisOptions options;
  final AbstractRedisClient client;
  final StatefulConnection<byte[], byte[]> commands;
  final RedisClusterAsyncCommands<byte[], byte[]> async;

  /** Classic Pub/Sub: node commands, the node's canary (and channels, except on a cluster). */
  final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;

  final ScheduledExecutorService timer;

  /** The scripts on the command connection(s), tagged with this link's own id. */
  final ScriptRunner scripts;

  /** How channels' publications are published and subscribed: classic, or sharded. */
  final ChannelPubSub channels;

  /** Whether Redis is a Redis Cluster: keys carry hash tags, channels use sharded Pub/Sub. */
  final boolean cluster;

  /** Whether both connections are open, as Lettuce reports them; the engine's status. */
  final LinkState state;

  private final AtomicInteger users = new AtomicInteger(1);

  /** Waits between reconnect attempts: 10 ms, doubling, at most 1 s. */
  private static final Supplier<Delay> RECONNECT_DELAY =
      () ->
          Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS);

  /** What a link is made of, built for one Redis or for a cluster. */
  record Parts(
      AbstractRedisClient client,
      StatefulConnection<byte[], byte[]> commands,
      RedisClusterAsyncCommands<byte[], byte[]> async,
      StatefulRedisPubSubConnection<byte[], byte[]> pubsub,
      ScriptRunner scripts,
      ChannelPubSub channels,
      boolean cluster) {}

  private RedisLink(RedisOptions options, Parts parts) {
    this.options = options;
    this.client = parts.client();
    this.commands = parts.commands();
    this.async = parts.async();
    this.pubsub = parts.pubsub();
    this.scripts = parts.scripts();
    this.channels = parts.channels();
    this.cluster = parts.cluster();
    this.state = new LinkState(options.clock());
    commands.addListener(state.watch());
    pubsub.addListener(state.watch());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "switchboard-redis");
              t.setDaemon(true);
              return t;
            });
  }

  /** Connects, or fails with a {@link RedisUnavailableException} naming the URI. */
  static RedisLink open(RedisOptions options) {
    if (ClusterParts.isCluster(options.uri())) {
      return new RedisLink(options, ClusterParts.open(options, newTag()));
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(options.uri());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a Redis URI: " + options.uri() + " (" + e.getMessage() + ")", e);
    }
    uri.setTimeout(options.timeout());
    RedisClient client = RedisClient.create(resources(), uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .replayFilter(command -> true)
            .timeoutOptions(TimeoutOptions.enabled(options.timeout()))
            .build());
    try {
      StatefulRedisConnection<byte[], byte[]> commands = client.connect(ByteArrayCodec.INSTANCE);
      StatefulRedisPubSubConnection<byte[], byte[]> pubsub =
          client.connectPubSub(ByteArrayCodec.INSTANCE);
      return new RedisLink(
          options,
          new Parts(
              client,
              commands,
              commands.async(),
              pubsub,
              new ScriptCalls(commands, newTag()),
              new ClassicPubSub(pubsub, commands.async()),
              false));
    } catch (RuntimeException e) {
      shutdown(client);
      throw unavailable(options, e);
    }
  }

  /**
   * The client resources of a link. The JDK's resolver, not Netty's DNS client: that one keeps UDP
   * sockets open on 0.0.0.0 for the client's life, and a node (or a WAR in an application server)
   * should bind nothing but what it is configured to.
   */
  /**
   * The JDK's resolver, not Netty's DNS client: that one keeps UDP sockets open on 0.0.0.0 for the
   * client's life, and a node (or a WAR in an application server) should bind nothing but what it
   * is configured to. Reconnect attempts from 10 ms, doubling up to 1 s, not Lettuce's 30 s: after
   * an outage the node is not ready until its connections are back, and a failover takes seconds.
   */
  static ClientResources resources() {
    return DefaultClientResources.builder()
        .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE)
        .reconnectDelay(RECONNECT_DELAY)
        .build();
  }

  static RedisUnavailableException unavailable(RedisOptions options, RuntimeException e) {
    return new RedisUnavailableException(
        "cannot reach Redis at " + redacted(options.uri()) + ": " + rootMessage(e));
  }

  /** A link's own id, which tags its scripts (see {@link ScriptCalls}). */
  private static String newTag() {
    return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  /** One more user; each calls {@link #release} once. */
  RedisLink retain() {
    users.incrementAndGet();
    return this;
  }

  void release() {
    if (users.decrementAndGet() == 0) {
      timer.shutdownNow();
      channels.close();
      commands.close();
      pubsub.close();
      shutdown(client);
    }
  }

  /**
   * Stops the client and the resources it was given (a client does not stop resources it did not
   * create).
   */
  static void shutdown(AbstractRedisClient client) {
    ClientResources resources = client.getResources();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(3000);
  }

  boolean isOpen() {
    return commands.isOpen() && pubsub.isOpen();
  }

  /** Subscribes to {@code channel} on the Pub/Sub connection, waiting for Redis to confirm. */
  void subscribeNow(byte[] channel) {
    pubsub
        .async()
        .subscribe(channel)
        .toCompletableFuture()
        .orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .join();
  }

  /**
   * A Redis key or Pub/Sub channel: {@code P kind name}. On a cluster the channel name is a hash
   * tag, {@code P kind {channel}} (and {@code P i:{channel}|key} for an idempotency key: the tag
   * ends before the first {@code |}, which channel names never contain), so that every key and the
   * sharded Pub/Sub channel of a channel are in one slot, as its scripts need. An empty name gets
   * no tag (Redis ignores an empty one). One Redis keeps the names without tags, as they always
   * were.
   */
  byte[] key(String kind, String name) {
    if (!cluster || name.isEmpty()) {
      return (options.prefix() + kind + name).getBytes(StandardCharsets.UTF_8);
    }
    int bar = name.indexOf('|');
    String tagged =
        bar < 0 ? "{" + name + "}" : "{" + name.substring(0, bar) + "}" + name.substring(bar);
    return (options.prefix() + kind + tagged).getBytes(StandardCharsets.UTF_8);
  }

  /** A stage that fails with a plain message saying Redis failed, whatever Lettuce threw. */
  static <T> CompletionStage<T> plain(CompletionStage<T> stage, String what) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            out.complete(value);
          } else {
            out.completeExceptionally(
                new RedisUnavailableException(what + " on Redis failed: " + rootMessage(failure)));
          }
        });
    return out;
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The URI without its password, for messages and logs. */
  static String redacted(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }
}
