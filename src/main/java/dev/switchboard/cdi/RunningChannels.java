package dev.switchboard.cdi;

import dev.switchboard.app.ChannelException;
import dev.switchboard.app.Channels;
import dev.switchboard.app.HistoryPage;
import dev.switchboard.app.Member;
import dev.switchboard.app.Published;
import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.web.Deployments;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@link Channels} on whichever Switchboard runs in the caller's application, looked up at each
 * call ({@link Deployments}, by the thread's context class loader, else by the loader of our
 * classes): Switchboard may start after CDI, and an EJB {@code @Startup} bean or timer may call
 * before it runs, or after it stopped. Then the call fails with {@link ErrorCode#UNAVAILABLE} (109)
 * and publishes nothing; it never blocks and never waits for a start.
 *
 * <p>Thread-safe: {@link #bound} is replaced whole, and two threads that race build equal facades.
 */
final class RunningChannels implements Channels {
  static final String NOT_RUNNING = "Switchboard is not running in this application";

  private final Function<Object, String> toJson;
  private final ClassLoader ownLoader;

  /**
   * The facade over the last assembly found; rebuilt when the application restarted Switchboard.
   */
  private volatile @Nullable Bound bound;

  private record Bound(ServerAssembly assembly, Channels channels) {}

  RunningChannels(Function<Object, String> toJson, ClassLoader ownLoader) {
    this.toJson = toJson;
    this.ownLoader = ownLoader;
  }

  /** The facade over the running Switchboard, or null when none runs for the caller. */
  private @Nullable Channels current() {
    ServerAssembly assembly = Deployments.of(Thread.currentThread().getContextClassLoader());
    if (assembly == null) {
      assembly = Deployments.of(ownLoader);
    }
    if (assembly == null) {
      return null;
    }
    Bound b = bound;
    if (b == null || b.assembly() != assembly) {
      b = new Bound(assembly, Channels.over(assembly.hub(), toJson));
      bound = b;
    }
    return b.channels();
  }

  private static <T> CompletionStage<T> notRunning() {
    return CompletableFuture.failedFuture(new ChannelException(ErrorCode.UNAVAILABLE, NOT_RUNNING));
  }

  @Override
  public CompletionStage<Published> publish(
      String channel, String json, @Nullable String idempotencyKey) {
    Channels c = current();
    return c == null ? notRunning() : c.publish(channel, json, idempotencyKey);
  }

  @Override
  public CompletionStage<Published> publishObject(
      String channel, Object value, @Nullable String idempotencyKey) {
    Channels c = current();
    return c == null ? notRunning() : c.publishObject(channel, value, idempotencyKey);
  }

  @Override
  public CompletionStage<Published> publishBinary(
      String channel, byte[] data, @Nullable String idempotencyKey) {
    Channels c = current();
    return c == null ? notRunning() : c.publishBinary(channel, data, idempotencyKey);
  }

  @Override
  public CompletionStage<HistoryPage> history(String channel, int limit, boolean reverse) {
    Channels c = current();
    return c == null ? notRunning() : c.history(channel, limit, reverse);
  }

  @Override
  public CompletionStage<HistoryPage> history(
      String channel, long sinceOffset, String epoch, int limit) {
    Channels c = current();
    return c == null ? notRunning() : c.history(channel, sinceOffset, epoch, limit);
  }

  @Override
  public CompletionStage<List<Member>> presence(String channel) {
    Channels c = current();
    return c == null ? notRunning() : c.presence(channel);
  }

  @Override
  public CompletionStage<Void> disconnectUser(String user, CloseCode code, String reason) {
    Channels c = current();
    return c == null ? notRunning() : c.disconnectUser(user, code, reason);
  }

  @Override
  public CompletionStage<Void> unsubscribeUser(String user, String channel, String reason) {
    Channels c = current();
    return c == null ? notRunning() : c.unsubscribeUser(user, channel, reason);
  }
}
