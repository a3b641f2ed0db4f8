package dev.switchboard.app;

import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.CloseCode;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Publishes to Switchboard's channels and acts on its connections from Java code in the same JVM:
 * what the HTTP API offers a backend, without HTTP. One instance per server ({@code
 * ServerAssembly.channels()}).
 *
 * <p>Publishes follow the HTTP API's rules, not a client's: a namespace's {@code publish} option
 * (which is about clients) does not apply, and a channel whose namespace is not configured gets the
 * default namespace's options. A refused call fails its stage with a {@link ChannelException}
 * carrying the protocol's error code, and publishes nothing.
 *
 * <p>Thread-safe; no method blocks on the engine: results complete on engine threads.
 */
public interface Channels {

  /** The facade over {@code hub}; {@link #publishObject} maps objects to JSON with Jackson. */
  static Channels over(Hub hub) {
    return new HubChannels(hub, JacksonMapping.INSTANCE);
  }

  /**
   * The facade over {@code hub}; {@link #publishObject} maps objects to JSON text with {@code
   * toJson} (the CDI integration passes JSON-P and JSON-B mappings where the container has them).
   */
  static Channels over(Hub hub, Function<Object, String> toJson) {
    return new HubChannels(hub, toJson);
  }

  /**
   * Publishes the JSON text {@code json} (one JSON value, delivered exactly as given).
   *
   * @return fails with 104 (bad channel name), 101 (not one JSON value) or 105 (over the
   *     namespace's {@code max-message-size})
   */
  default CompletionStage<Published> publish(String channel, String json) {
    return publish(channel, json, null);
  }

  /**
   * As {@link #publish(String, String)}; a repeat with the same {@code idempotencyKey} within 5
   * minutes publishes nothing and completes with the first one's place.
   *
   * @param idempotencyKey null, or 1-128 characters (else 103)
   */
  CompletionStage<Published> publish(String channel, String json, @Nullable String idempotencyKey);

  /**
   * Publishes {@code value} mapped to JSON by this facade's mapping (Jackson; in a Jakarta EE
   * application a JSON-P {@code JsonValue} as it is and any other object through JSON-B when the
   * container offers it). A {@code String} becomes a JSON string: use {@link #publish(String,
   * String)} for JSON text.
   *
   * @return as {@link #publish(String, String)}; a value the mapping cannot write fails with 101
   */
  default CompletionStage<Published> publishObject(String channel, Object value) {
    return publishObject(channel, value, null);
  }

  /** As {@link #publishObject(String, Object)} with an idempotency key. */
  CompletionStage<Published> publishObject(
      String channel, Object value, @Nullable String idempotencyKey);

  /** Publishes {@code data} as binary; the array must not be changed afterwards. */
  default CompletionStage<Published> publishBinary(String channel, byte[] data) {
    return publishBinary(channel, data, null);
  }

  /** As {@link #publishBinary(String, byte[])} with an idempotency key. */
  CompletionStage<Published> publishBinary(
      String channel, byte[] data, @Nullable String idempotencyKey);

  /**
   * The newest {@code limit} publications kept for {@code channel}, oldest first (newest first when
   * {@code reverse}). Fails with 112 when the namespace keeps no history.
   */
  CompletionStage<HistoryPage> history(String channel, int limit, boolean reverse);

  /**
   * The publications after the position {@code sinceOffset} of {@code epoch} (a {@link Published}
   * or {@link HistoryPage#latest} seen before), oldest first, at most {@code limit} of them: the
   * protocol's {@code history} command with {@code since}. To read on, ask again from the last
   * entry's offset; at the newest offset the page is empty. {@code limit} 0 only checks the
   * position and returns {@link HistoryPage#latest}.
   *
   * <p>As the protocol, this never returns a page with a gap: when the position is not one of the
   * current history (the epoch is not the current one, e.g. after the history was lost; the
   * publications after it are no longer all kept; it is ahead of the newest offset), the stage
   * fails with 113 ({@code bad_position}) and the message says which. Read the newest page with
   * {@link #history(String, int, boolean)} then.
   *
   * @return fails with 104 (bad channel name), 103 (negative offset or limit, null epoch), 112 (the
   *     namespace keeps no history) or 113 (the position is not in the current history)
   */
  CompletionStage<HistoryPage> history(String channel, long sinceOffset, String epoch, int limit);

  /** Who is subscribed to {@code channel}; fails with 112 when presence is off there. */
  CompletionStage<List<Member>> presence(String channel);

  /**
   * Closes every connection of {@code user} with {@code code}, on every node (with the Redis
   * engine, through its control channel).
   *
   * @return completes when the engine accepted the command; each node, this one included, acts on
   *     it as it arrives, asynchronously, so connections may still be open at that moment
   */
  CompletionStage<Void> disconnectUser(String user, CloseCode code, String reason);

  /**
   * Ends {@code user}'s subscriptions to {@code channel} on every node; each client gets the {@code
   * unsubscribe} push (111, {@code reason}) and no more of its publications. It may subscribe again
   * if its token allows.
   *
   * @return completes when the engine accepted the command; each node, this one included, acts on
   *     it as it arrives, asynchronously
   */
  CompletionStage<Void> unsubscribeUser(String user, String channel, String reason);
}
