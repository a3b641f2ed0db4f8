package dev.switchboard.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A message from server to client, decoded once by {@link ServerMessageDecoder}: a reply to a
 * command ({@link Ok}, {@link ErrorReply}), or a push ({@link Publication}, {@link Join}, {@link
 * Leave}, {@link Unsubscribed}). A message the decoder does not recognise is {@link Unknown}, never
 * an exception, so a newer server cannot crash an older client. The shapes are those of
 * docs/PROTOCOL.md.
 */
public sealed interface ServerMessage {

  /**
   * A position in a channel's history.
   *
   * @param offset the offset, from 1
   * @param epoch the epoch that offset belongs to
   */
  record Position(long offset, String epoch) {}

  /**
   * The outcome of a subscribe with {@code since}: {@code "recovered"} and, when false, {@code
   * "reason"}.
   *
   * @param reason why it could not recover, or null
   */
  record Recovery(boolean recovered, @Nullable String reason) {}

  /**
   * Who a connection is, as a {@code connect} or {@code refresh} reply says.
   *
   * @param user the user id, or null for an anonymous connection
   * @param expires the token's {@code exp} in seconds since the epoch, or 0 when absent
   */
  record Session(String client, @Nullable String user, long expires) {}

  /**
   * A client in presence, a join or a leave: {@code {"client":"k2j1x.4","user":null,"info":{..}}}.
   *
   * @param user the user id, or null
   * @param info the JSON text the client subscribed with, or null
   */
  record Member(String client, @Nullable String user, @Nullable String info) {}

  /**
   * A publication as the history reply lists it: {@code {"offset":41,"data":"a"}} or {@code
   * {"offset":43,"binary":"<base64>"}}.
   */
  record Entry(long offset, Payload payload) {}

  /**
   * A success reply, {@code {"id":1,"ok":true,...}}. Which optional parts it has depends on the
   * command it answers; absent ones are null.
   *
   * @param id the command's id, or {@link Command#NO_ID} (a recovery outcome without id)
   * @param position {@code offset} and {@code epoch} (subscribe, publish and history in channels
   *     with history)
   * @param recovery {@code recovered} and {@code reason} (subscribe with {@code since})
   * @param session {@code client}, {@code user}, {@code expires} (connect and refresh)
   * @param publications {@code publications} (history)
   * @param clients {@code clients} (presence)
   */
  record Ok(
      long id,
      @Nullable Position position,
      @Nullable Recovery recovery,
      @Nullable Session session,
      @Nullable List<Entry> publications,
      @Nullable List<Member> clients)
      implements ServerMessage {
    public Ok {
      publications = publications == null ? null : List.copyOf(publications);
      clients = clients == null ? null : List.copyOf(clients);
    }

    /** A plain {@code {"id":N,"ok":true}}. */
    public static Ok of(long id) {
      return new Ok(id, null, null, null, null, null);
    }
  }

  /**
   * An error reply, {@code {"id":3,"error":{"code":104,"message":"..."}}}.
   *
   * @param id the command's id, or {@link Command#NO_ID} when it had none or it could not be read
   * @param code the reply error code (see {@link ErrorCode}); a newer server may send others
   */
  record ErrorReply(long id, int code, String message) implements ServerMessage {}

  /**
   * The answer to an rpc, {@code {"id":7,"result":{"data":...}}} or {@code {"id":7,"result":
   * {"binary":"<base64>"}}}.
   *
   * @param data the JSON text or bytes the application answered
   */
  record RpcResult(long id, Payload data) implements ServerMessage {}

  /**
   * {@code {"channel":"demo:a","offset":42,"epoch":"2x9kqe1ab7","data":{...}}}, or a binary
   * publication envelope.
   *
   * @param channel the channel it was published to (for a pattern subscription, the real one)
   * @param offset its offset, 0 when the channel keeps no history
   * @param epoch the history's epoch, empty when the channel keeps none
   * @param payload the published JSON text as it was published, or the bytes
   * @param trace the publisher's trace context ({@code "trace"}), only for subscriptions that asked
   *     for traces; null otherwise or when the publication carries none
   */
  record Publication(
      String channel, long offset, String epoch, Payload payload, @Nullable TraceContext trace)
      implements ServerMessage {
    public Publication(String channel, long offset, String epoch, Payload payload) {
      this(channel, offset, epoch, payload, null);
    }
  }

  /** {@code {"channel":"demo:a","join":{"client":"k2j1x.9","user":null}}} */
  record Join(String channel, Member member) implements ServerMessage {}

  /** {@code {"channel":"demo:a","leave":{"client":"k2j1x.9","user":null}}} */
  record Leave(String channel, Member member) implements ServerMessage {}

  /**
   * {@code {"channel":"news","unsubscribe":{"code":111,"message":"..."}}}: the server ended the
   * subscription to {@code channel} (a channel or a pattern); nothing more arrives for it.
   */
  record Unsubscribed(String channel, int code, String message) implements ServerMessage {}

  /**
   * {@code {"channel":"demo:a","subscribe":{"offset":41,"epoch":"e"}}}: the server subscribed the
   * connection to {@code channel} (the application granted it at connect).
   *
   * @param position the channel's position then; null when it keeps no history
   */
  record Subscribed(String channel, @Nullable Position position) implements ServerMessage {}

  /**
   * A frame that is not a message this decoder knows: not JSON, or a kind a later protocol version
   * may define.
   *
   * @param text the frame's text (a description for a binary frame)
   * @param problem why it was not recognised
   */
  record Unknown(String text, String problem) implements ServerMessage {}
}
