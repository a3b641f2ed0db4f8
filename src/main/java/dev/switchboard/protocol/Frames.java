package dev.switchboard.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.jspecify.annotations.Nullable;

/**
 * Encodes server-to-client text frames. Channel names need no escaping (see {@link ChannelName});
 * published data is inserted as the exact JSON text it arrived as; only error messages are escaped.
 * Stateless and thread-safe.
 */
public final class Frames {
  private Frames() {}

  /** {@code {"id":1,"ok":true}}; {@code {"ok":true}} for {@link Command#NO_ID} (HTTP bodies). */
  public static String ok(long id) {
    return id == Command.NO_ID ? "{\"ok\":true}" : "{\"id\":" + id + ",\"ok\":true}";
  }

  /**
   * A success reply with more fields: {@code extra} is the JSON text of those fields without
   * braces, e.g. {@code "\"offset\":4"}.
   */
  public static String ok(long id, String extra) {
    return id == Command.NO_ID
        ? "{\"ok\":true," + extra + "}"
        : "{\"id\":" + id + ",\"ok\":true," + extra + "}";
  }

  /**
   * {@code {"id":3,"error":{"code":104,"message":"..."}}}; without {@code "id"} when the command
   * carried none or it could not be read.
   */
  public static String error(long id, ErrorCode code, String message) {
    StringBuilder b = new StringBuilder(64 + message.length());
    b.append('{');
    if (id != Command.NO_ID) {
      b.append("\"id\":").append(id).append(',');
    }
    b.append("\"error\":").append(errorBody(code, message)).append('}');
    return b.toString();
  }

  /** {@code {"code":104,"message":"..."}}, shared with the HTTP API's error bodies. */
  public static String errorBody(ErrorCode code, String message) {
    StringBuilder b = new StringBuilder(32 + message.length());
    b.append("{\"code\":").append(code.code()).append(",\"message\":\"");
    JsonStringEncoder.getInstance().quoteAsString(sanitize(message), b);
    return b.append("\"}").toString();
  }

  /** {@code {"channel":"news","data":<json>}}: encoded once per publication. */
  public static String publication(String channel, String json) {
    return new StringBuilder(24 + channel.length() + json.length())
        .append("{\"channel\":\"")
        .append(channel)
        .append("\",\"data\":")
        .append(json)
        .append('}')
        .toString();
  }

  /** {@code {"channel":"c","offset":42,"epoch":"e","data":<json>}}: for channels with history. */
  public static String publication(String channel, long offset, String epoch, String json) {
    if (offset <= 0) {
      return publication(channel, json);
    }
    return new StringBuilder(48 + channel.length() + epoch.length() + json.length())
        .append("{\"channel\":\"")
        .append(channel)
        .append("\",\"offset\":")
        .append(offset)
        .append(",\"epoch\":\"")
        .append(epoch)
        .append("\",\"data\":")
        .append(json)
        .append('}')
        .toString();
  }

  /**
   * {@code {"channel":"c","join":{...}}} or {@code "leave"}.
   *
   * @param event "join" or "leave"
   * @param client the client object's JSON text (see {@link #client})
   */
  public static String presenceEvent(String channel, String event, String client) {
    return "{\"channel\":\"" + channel + "\",\"" + event + "\":" + client + "}";
  }

  /**
   * {@code {"channel":"news","unsubscribe":{"code":111,"message":"..."}}}: the server ended the
   * subscription to {@code channel} (a channel or a pattern), shaped like a join or leave push with
   * an error body saying why. Nothing more arrives for that subscription after it.
   */
  public static String unsubscribe(String channel, ErrorCode code, String message) {
    return "{\"channel\":\"" + channel + "\",\"unsubscribe\":" + errorBody(code, message) + "}";
  }

  /**
   * {@code {"client":"id","user":"u" or null,"info":<json> (omitted when null)}}.
   *
   * @param info JSON text or null
   */
  public static String client(String clientId, @Nullable String user, @Nullable String info) {
    StringBuilder b =
        new StringBuilder(64).append("{\"client\":").append(quote(clientId)).append(",\"user\":");
    b.append(user == null ? "null" : quote(user));
    if (info != null) {
      b.append(",\"info\":").append(info);
    }
    return b.append('}').toString();
  }

  /**
   * {@code text} with every lone surrogate replaced by U+FFFD: a string from a client (an unknown
   * op, say) may hold one, and some containers' UTF-8 encoders fail the whole send on it.
   */
  public static String sanitize(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
        if (!paired) {
          return replaceLoneSurrogates(text);
        }
        i++;
      }
    }
    return text;
  }

  private static String replaceLoneSurrogates(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        b.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Quotes {@code text} as a JSON string literal. */
  public static String quote(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('"');
    JsonStringEncoder.getInstance().quoteAsString(sanitize(text), b);
    return b.append('"').toString();
  }
}
