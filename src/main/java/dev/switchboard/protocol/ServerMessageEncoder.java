package dev.switchboard.protocol;

import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON text of every message the server sends to a client (docs/PROTOCOL.md): the replies to
 * commands, and the pushes (publications, join, leave, subscribe, unsubscribe). One method per
 * message; binary publications are {@link BinaryEnvelope}'s. The HTTP API's bodies are the replies
 * without an id.
 *
 * <p>Channel names and epochs need no escaping (see {@link ChannelName}; epochs are generated
 * ASCII), so pushes insert them as they are; published data is inserted as the exact JSON text it
 * arrived as. Text that may hold anything (error messages, reasons, ids, user names) is escaped.
 *
 * <p>A publication is encoded once and the text shared by every subscriber, so {@link #publication}
 * builds its text in one exactly sized pass. Stateless and thread-safe.
 */
public final class ServerMessageEncoder {
  private ServerMessageEncoder() {}

  /** One publication of a {@code history} reply: its offset and what it carries. */
  public interface HistoryEntry {
    long offset();

    Payload payload();
  }

  /** One client in a {@code presence} reply, a {@code join} or a {@code leave}. */
  public interface PresenceEntry {
    /** The connection id. */
    String client();

    /** The user id of the connection's token, or null while anonymous. */
    @Nullable String user();

    /** The JSON text the client sent with {@code subscribe}, or null. */
    @Nullable String info();
  }

  // Replies. With Command.NO_ID each is the HTTP API's body for the same result.

  /**
   * {@code {"id":1,"ok":true}}: the reply to a command that returns nothing (ping, unsubscribe, a
   * subscribe or publish in a channel without history); {@code {"ok":true}} for {@link
   * Command#NO_ID}.
   */
  public static String ok(long id) {
    return id == Command.NO_ID ? "{\"ok\":true}" : "{\"id\":" + id + ",\"ok\":true}";
  }

  /**
   * {@code {"id":3,"error":{"code":104,"message":"..."}}}: a refused command; without {@code "id"}
   * for {@link Command#NO_ID} (the command carried none, or it could not be read).
   */
  public static String error(long id, ErrorCode code, String message) {
    StringBuilder b = new StringBuilder(64 + message.length()).append('{');
    if (id != Command.NO_ID) {
      b.append("\"id\":").append(id).append(',');
    }
    b.append("\"error\":");
    return errorBody(b, code, message).append('}').toString();
  }

  /**
   * {@code {"error":{"code":104,"message":"..."}}}: an error without id, which is also the HTTP
   * API's error body.
   */
  public static String error(ErrorCode code, String message) {
    return error(Command.NO_ID, code, message);
  }

  /**
   * {@code {"id":7,"result":{"data":...}}}, or {@code {"id":7,"result":{"binary":"<base64>"}}}: the
   * answer to an rpc.
   */
  public static String rpcResult(long id, Payload data) {
    StringBuilder b = new StringBuilder(32).append("{\"id\":").append(id).append(",\"result\":{");
    if (data instanceof Payload.Json json) {
      b.append("\"data\":").append(json.json());
    } else {
      b.append("\"binary\":\"")
          .append(Base64.getEncoder().encodeToString(((Payload.Binary) data).bytes()))
          .append('"');
    }
    return b.append("}}").toString();
  }

  /**
   * {@code {"id":7,"error":{"code":117,"message":"...","app_code":404}}}: the application's error
   * answer to an rpc.
   */
  public static String rpcError(long id, int appCode, String message) {
    String error = error(id, ErrorCode.APPLICATION, message);
    // error(..) ends with "}}": the app code goes inside the error object.
    return error.substring(0, error.length() - 2) + ",\"app_code\":" + appCode + "}}";
  }

  /** {@code {"id":1,"ok":true,"offset":41,"epoch":"e"}}: subscribed to a channel with history. */
  public static String subscribed(long id, long offset, String epoch) {
    return okWith(id, position(new StringBuilder(), offset, epoch));
  }

  /**
   * {@code {"id":1,"ok":true,"recovered":true,"offset":44,"epoch":"e"}}: subscribed with {@code
   * since}, and every publication after it follows this reply.
   */
  public static String recovered(long id, long offset, String epoch) {
    return okWith(id, position(new StringBuilder("\"recovered\":true,"), offset, epoch));
  }

  /**
   * {@code {"id":1,"ok":true,"recovered":false,"reason":"...","offset":3,"epoch":"e"}}: subscribed
   * with {@code since}, but live delivery starts from now.
   */
  public static String notRecovered(long id, String reason, long offset, String epoch) {
    return okWith(id, position(notRecoveredBecause(reason).append(','), offset, epoch));
  }

  /**
   * {@code {"id":1,"ok":true,"recovered":false,"reason":"..."}}: subscribed with {@code since} to a
   * channel that keeps no history, so it has no position.
   */
  public static String notRecovered(long id, String reason) {
    return okWith(id, notRecoveredBecause(reason));
  }

  /**
   * {@code {"id":3,"ok":true,"offset":42,"epoch":"e"}}: the publication's place in the history;
   * just {@link #ok} when {@code offset} is 0 (the channel keeps no history).
   */
  public static String published(long id, long offset, String epoch) {
    return offset == 0 ? ok(id) : okWith(id, position(new StringBuilder(), offset, epoch));
  }

  /**
   * {@code {"id":2,"ok":true,"publications":[{"offset":41,"data":"a"}, {"offset":43,"binary":
   * "<base64>"}],"offset":44,"epoch":"e"}}: the publications read and the channel's position.
   */
  public static String history(
      long id, List<? extends HistoryEntry> publications, long offset, String epoch) {
    StringBuilder b = new StringBuilder(64 + publications.size() * 32).append("\"publications\":[");
    for (int i = 0; i < publications.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      historyEntry(b, publications.get(i));
    }
    return okWith(id, position(b.append("],"), offset, epoch));
  }

  /**
   * {@code {"id":3,"ok":true,"clients":[{"client":"k2j1x.4","user":null,"info":{...}}],"count":1}}:
   * who is subscribed to the channel.
   */
  public static String presence(long id, List<? extends PresenceEntry> clients) {
    StringBuilder b = new StringBuilder(32 + clients.size() * 48).append("\"clients\":[");
    for (int i = 0; i < clients.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      presenceEntry(b, clients.get(i));
    }
    return okWith(id, b.append("],\"count\":").append(clients.size()));
  }

  /**
   * {@code {"id":1,"ok":true,"client":"k2j1x.4","user":"alice","expires":1795850000}}: the reply to
   * {@code connect} and {@code refresh}.
   *
   * @param user the token's user, or null
   * @param expires the token's {@code exp}, in seconds since the epoch
   */
  public static String connected(long id, String client, @Nullable String user, long expires) {
    StringBuilder b = JsonStrings.appendQuoted(new StringBuilder("\"client\":"), client);
    b.append(",\"user\":");
    if (user == null) {
      b.append("null");
    } else {
      JsonStrings.appendQuoted(b, user);
    }
    return okWith(id, b.append(",\"expires\":").append(expires));
  }

  // Pushes: no id and no ok, which is how a client tells them from replies.

  /**
   * {@code {"channel":"c","offset":42,"epoch":"e","data":<json>}}, or {@code
   * {"channel":"c","data":<json>}} when {@code offset} is 0 (the channel keeps no history). Encoded
   * once per publication and shared by every subscriber.
   *
   * @param json the published JSON text, inserted as it is
   */
  public static String publication(String channel, long offset, String epoch, String json) {
    // String concatenation sizes the result exactly and copies each part once.
    if (offset <= 0) {
      return "{\"channel\":\"" + channel + "\",\"data\":" + json + "}";
    }
    return "{\"channel\":\""
        + channel
        + "\",\"offset\":"
        + offset
        + ",\"epoch\":\""
        + epoch
        + "\",\"data\":"
        + json
        + "}";
  }

  /**
   * {@link #publication(String, long, String, String)} with {@code "trace":{"traceparent":..,
   * "tracestate":..}} before {@code data}, for subscriptions that asked for traces; the same text
   * without it when {@code trace} is null. Also encoded at most once per publication.
   */
  public static String publication(
      String channel, long offset, String epoch, String json, @Nullable TraceContext trace) {
    if (trace == null) {
      return publication(channel, offset, epoch, json);
    }
    StringBuilder b =
        new StringBuilder(160 + channel.length() + json.length()).append("{\"channel\":\"");
    b.append(channel).append('"');
    if (offset > 0) {
      b.append(",\"offset\":").append(offset).append(",\"epoch\":\"").append(epoch).append('"');
    }
    trace.appendJson(b.append(",\"trace\":"));
    return b.append(",\"data\":").append(json).append('}').toString();
  }

  /** {@code {"channel":"c","join":{"client":"k2j1x.9","user":null}}}: a client subscribed. */
  public static String join(String channel, PresenceEntry client) {
    return presenceEvent(channel, "join", client);
  }

  /** {@code {"channel":"c","leave":{"client":"k2j1x.9","user":null}}}: a client left. */
  public static String leave(String channel, PresenceEntry client) {
    return presenceEvent(channel, "leave", client);
  }

  /**
   * {@code {"channel":"news","unsubscribe":{"code":111,"message":"..."}}}: the server ended the
   * subscription to {@code channel} (a channel or a pattern), shaped like a join or leave push with
   * an error body saying why. Nothing more arrives for that subscription after it.
   */
  public static String unsubscribe(String channel, ErrorCode code, String message) {
    StringBuilder b =
        new StringBuilder(64 + channel.length() + message.length())
            .append("{\"channel\":\"")
            .append(channel)
            .append("\",\"unsubscribe\":");
    return errorBody(b, code, message).append('}').toString();
  }

  /**
   * {@code {"channel":"demo:a","subscribe":{"offset":41,"epoch":"e"}}} ({@code "subscribe":{}} when
   * the channel keeps no history): the server subscribed the connection to {@code channel} (a
   * channel or a pattern) because the application granted it at connect. Publications after that
   * position follow, as after a subscribe reply.
   *
   * @param epoch the history's epoch, or null when the channel keeps none
   */
  public static String subscribe(String channel, long offset, @Nullable String epoch) {
    return subscribe(channel, offset, epoch, null);
  }

  /**
   * {@code {"channel":"demo:a","subscribe":{"recovered":false,"reason":"...","offset":3,...}}}: as
   * {@link #subscribe(String, long, String)}, for a channel the server resubscribed from a position
   * its history no longer covers ({@code notRecovered} the reason, or null when it did): the
   * publications in between are lost, and the client is told so.
   */
  public static String subscribe(
      String channel, long offset, @Nullable String epoch, @Nullable String notRecovered) {
    StringBuilder b =
        new StringBuilder(64 + channel.length())
            .append("{\"channel\":\"")
            .append(channel)
            .append("\",\"subscribe\":{");
    if (notRecovered != null) {
      b.append(notRecoveredBecause(notRecovered));
      if (epoch != null) {
        b.append(',');
      }
    }
    if (epoch != null) {
      position(b, offset, epoch);
    }
    return b.append("}}").toString();
  }

  private static String presenceEvent(String channel, String event, PresenceEntry client) {
    StringBuilder b =
        new StringBuilder(80)
            .append("{\"channel\":\"")
            .append(channel)
            .append("\",\"")
            .append(event)
            .append("\":");
    return presenceEntry(b, client).append('}').toString();
  }

  /** {@code {"id":N,"ok":true,<fields>}}, without the id for {@link Command#NO_ID}. */
  private static String okWith(long id, StringBuilder fields) {
    return id == Command.NO_ID
        ? "{\"ok\":true," + fields + "}"
        : "{\"id\":" + id + ",\"ok\":true," + fields + "}";
  }

  private static StringBuilder notRecoveredBecause(String reason) {
    return JsonStrings.appendQuoted(new StringBuilder("\"recovered\":false,\"reason\":"), reason);
  }

  /** Appends {@code "offset":N,"epoch":"e"}. */
  private static StringBuilder position(StringBuilder b, long offset, String epoch) {
    b.append("\"offset\":").append(offset).append(",\"epoch\":");
    return JsonStrings.appendQuoted(b, epoch);
  }

  /** Appends {@code {"code":104,"message":"..."}}. */
  private static StringBuilder errorBody(StringBuilder b, ErrorCode code, String message) {
    b.append("{\"code\":").append(code.code()).append(",\"message\":");
    return JsonStrings.appendQuoted(b, message).append('}');
  }

  /** Appends {@code {"offset":41,"data":...}} or {@code {"offset":41,"binary":"<base64>"}}. */
  private static void historyEntry(StringBuilder b, HistoryEntry p) {
    b.append("{\"offset\":").append(p.offset());
    if (p.payload() instanceof Payload.Json json) {
      b.append(",\"data\":").append(json.json());
    } else {
      b.append(",\"binary\":\"")
          .append(Base64.getEncoder().encodeToString(((Payload.Binary) p.payload()).bytes()))
          .append('"');
    }
    b.append('}');
  }

  /** Appends {@code {"client":"id","user":"u" or null,"info":<json>}}, without info when none. */
  private static StringBuilder presenceEntry(StringBuilder b, PresenceEntry c) {
    JsonStrings.appendQuoted(b.append("{\"client\":"), c.client()).append(",\"user\":");
    if (c.user() == null) {
      b.append("null");
    } else {
      JsonStrings.appendQuoted(b, c.user());
    }
    if (c.info() != null) {
      b.append(",\"info\":").append(c.info());
    }
    return b.append('}');
  }
}
