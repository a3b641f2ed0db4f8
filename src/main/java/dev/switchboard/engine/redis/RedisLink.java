package dev.switchboard.engine.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
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
  final RedisClient client;
  final StatefulRedisConnection<byte[], byte[]> commands;
  final RedisAsyncCommands<byte[], byte[]> async;
  final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
  final ScheduledExecutorService timer;

  /** The scripts on the command connection, tagged with this link's own id. */
  final ScriptCalls scripts;

  /** Whether both connections are open, as Lettuce reports them; the engine's status. */
  final LinkState state;

  private final AtomicInteger users = new AtomicInteger(1);

  /**
   * The longest wait between two attempts to reconnect: one attempt a second per connection costs
   * Redis nothing, and a node is back within a second of Redis.
   */
  static final Duration RECONNECT_DELAY_MAX = Duration.ofSeconds(1);

  private RedisLink(
      RedisOptions options,
      RedisClient client,
      StatefulRedisConnection<byte[], byte[]> commands,
      StatefulRedisPubSubConnection<byte[], byte[]> pubsub) {
    this.options = options;
    this.client = client;
    this.commands = commands;
    this.async = commands.async();
    this.pubsub = pubsub;
    this.scripts =
        new ScriptCalls(
            commands, Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
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
    RedisURI uri;
    try {
      uri = RedisURI.create(options.uri());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a Redis URI: " + options.uri() + " (" + e.getMessage() + ")", e);
    }
    uri.setTimeout(options.timeout());
    // The JDK's resolver, not Netty's DNS client: that one keeps UDP sockets open on 0.0.0.0 for
    // the client's life, and a node (or a WAR in an application server) should bind nothing but
    // what it is configured to.
    // Reconnect attempts back off exponentially up to RECONNECT_DELAY_MAX, not Lettuce's 30 s:
    // after
    // Redis was down for a few seconds, the default let a node wait about as long again before
    // its next attempt, and stay not ready long after Redis was back.
    ClientResources resources =
        DefaultClientResources.builder()
            .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ZERO,
                    RECONNECT_DELAY_MAX,
                    2,
                    java.util.concurrent.TimeUnit.MILLISECONDS))
            .build();
    RedisClient client = RedisClient.create(resources, uri);
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
      return new RedisLink(options, client, commands, pubsub);
    } catch (RuntimeException e) {
      shutdown(client);
      throw new RedisUnavailableException(
          "cannot reach Redis at " + redacted(options.uri()) + ": " + rootMessage(e));
    }
  }

  /** One more user; each calls {@link #release} once. */
  RedisLink retain() {
    users.incrementAndGet();
    return this;
  }

  void release() {
    if (users.decrementAndGet() == 0) {
      timer.shutdownNow();
      commands.close();
      pubsub.close();
      shutdown(client);
    }
  }

  /**
   * Stops the client and the resources it was given (a client does not stop resources it did not
   * create).
   */
  private static void shutdown(RedisClient client) {
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

  byte[] key(String kind, String name) {
    return (options.prefix() + kind + name).getBytes(StandardCharsets.UTF_8);
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
