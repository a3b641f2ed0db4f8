package dev.switchboard.app;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@link Channels} on a {@link Hub}: the HTTP API's checks (channel name, key, JSON, size), then
 * the hub's own publish, history and presence. A {@link ProtocolException} becomes a {@link
 * ChannelException} with the same code. Thread-safe: the decoder is.
 */
final class HubChannels implements Channels {
  private final Hub hub;
  private final CommandDecoder decoder = new CommandDecoder();
  private final Function<Object, String> toJson;

  HubChannels(Hub hub, Function<Object, String> toJson) {
    this.hub = hub;
    this.toJson = toJson;
  }

  @Override
  public CompletionStage<Published> publishObject(
      String channel, Object value, @Nullable String idempotencyKey) {
    String json;
    try {
      json = toJson.apply(value);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new ChannelException(
              ErrorCode.MALFORMED,
              "cannot write " + value.getClass().getName() + " as JSON: " + e.getMessage()));
    }
    return publish(channel, json, idempotencyKey);
  }

  @Override
  public CompletionStage<Published> publish(
      String channel, String json, @Nullable String idempotencyKey) {
    try {
      return publish(channel, decoder.decodeData(json), idempotencyKey);
    } catch (ProtocolException e) {
      return refused(e);
    }
  }

  @Override
  public CompletionStage<Published> publishBinary(
      String channel, byte[] data, @Nullable String idempotencyKey) {
    return publish(channel, new Payload.Binary(data), idempotencyKey);
  }

  private CompletionStage<Published> publish(
      String channel, Payload payload, @Nullable String idempotencyKey) {
    try {
      checkChannel(channel);
      String key = CommandDecoder.checkKey(idempotencyKey, Command.NO_ID);
      hub.checkSize(channel, payload);
      return translated(hub.publish(channel, payload, key, null))
          .thenApply(r -> new Published(r.offset(), r.epoch()));
    } catch (ProtocolException e) {
      return refused(e);
    }
  }

  @Override
  public CompletionStage<HistoryPage> history(String channel, int limit, boolean reverse) {
    try {
      checkChannel(channel);
    } catch (ProtocolException e) {
      return refused(e);
    }
    if (limit < 0) {
      return CompletableFuture.failedFuture(
          new ChannelException(ErrorCode.BAD_FIELD, "limit must be at least 0"));
    }
    return translated(hub.history(channel, null, limit, reverse)).thenApply(HubChannels::page);
  }

  @Override
  public CompletionStage<HistoryPage> history(
      String channel, long sinceOffset, String epoch, int limit) {
    try {
      checkChannel(channel);
    } catch (ProtocolException e) {
      return refused(e);
    }
    String problem =
        sinceOffset < 0
            ? "offset must be at least 0"
            : limit < 0 ? "limit must be at least 0" : epoch == null ? "epoch is required" : null;
    if (problem != null) {
      return CompletableFuture.failedFuture(new ChannelException(ErrorCode.BAD_FIELD, problem));
    }
    Command.Since since = new Command.Since(sinceOffset, epoch);
    return translated(hub.history(channel, since, limit, false)).thenApply(HubChannels::page);
  }

  private static HistoryPage page(HistoryResult r) {
    return new HistoryPage(
        r.publications().stream().map(p -> new HistoryPage.Entry(p.offset(), p.payload())).toList(),
        new Published(r.position().offset(), r.position().epoch()));
  }

  @Override
  public CompletionStage<List<Member>> presence(String channel) {
    try {
      checkChannel(channel);
    } catch (ProtocolException e) {
      return refused(e);
    }
    return translated(hub.presenceOf(channel))
        .thenApply(list -> list.stream().map(HubChannels::member).toList());
  }

  private static Member member(ClientInfo c) {
    return new Member(c.client(), c.user(), c.info());
  }

  @Override
  public CompletionStage<Void> disconnectUser(String user, CloseCode code, String reason) {
    return hub.broadcast(new NodeCommand.DisconnectUser(user, code, reason));
  }

  @Override
  public CompletionStage<Void> unsubscribeUser(String user, String channel, String reason) {
    return hub.broadcast(new NodeCommand.UnsubscribeUser(user, channel, reason));
  }

  /** A valid channel name (no pattern), or 104 as for an HTTP publish. */
  private static void checkChannel(String channel) throws ProtocolException {
    String problem = ChannelName.problem(channel);
    if (problem != null) {
      throw new ProtocolException(ErrorCode.BAD_CHANNEL, problem, Command.NO_ID);
    }
  }

  private static <T> CompletionStage<T> refused(ProtocolException e) {
    return CompletableFuture.failedFuture(new ChannelException(e.code(), e.getMessage()));
  }

  /** The hub's stage, a ProtocolException it fails with turned into a ChannelException. */
  private static <T> CompletionStage<T> translated(CompletionStage<T> stage) {
    return stage.handle(
        (value, failure) -> {
          if (failure == null) {
            return value;
          }
          Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
          if (cause instanceof ProtocolException e) {
            throw new ChannelException(e.code(), e.getMessage());
          }
          throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
  }
}
