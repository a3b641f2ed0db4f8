package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decodes server frames into {@link ServerMessage}s, for clients: JSON text frames and the binary
 * publication envelope. Stateless and thread-safe; never throws on what the server sends: what it
 * cannot read is {@link ServerMessage.Unknown}.
 *
 * <p>How a message is told apart (docs/PROTOCOL.md): {@code error} makes an error reply, {@code
 * "ok":true} a success reply; a push has neither, and its {@code channel} comes with {@code data},
 * {@code join}, {@code leave}, {@code subscribe} or {@code unsubscribe}. Unknown fields are
 * ignored. Published JSON ({@code data}, {@code info}) is kept as the exact text that arrived,
 * never re-serialised.
 */
public final class ServerMessageDecoder {
  private final JsonFactory json =
      JsonFactory.builder().streamReadConstraints(JsonErrors.CONSTRAINTS).build();

  /** Decodes one text frame. */
  public ServerMessage decode(String text) {
    Fields f = new Fields();
    try (JsonParser p = json.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new ServerMessage.Unknown(text, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        readField(name, p, text, f);
      }
    } catch (JsonProcessingException e) {
      return new ServerMessage.Unknown(text, "invalid JSON: " + JsonErrors.describe(e));
    } catch (IOException | RuntimeException e) {
      // A field of the wrong type (a string where a number goes): a frame of another shape.
      return new ServerMessage.Unknown(text, "unreadable: " + e.getMessage());
    }
    return toMessage(f, text);
  }

  /** Decodes one binary frame: a publication envelope. The payload is copied. */
  public ServerMessage decodeBinary(ByteBuffer frame) {
    try {
      BinaryEnvelope.DecodedPublication p = BinaryEnvelope.decodePublication(frame);
      return new ServerMessage.Publication(
          p.channel(), p.offset(), p.epoch(), new Payload.Binary(p.payload()), p.trace());
    } catch (ProtocolException e) {
      return new ServerMessage.Unknown(
          "binary frame of " + frame.remaining() + " bytes", e.getMessage());
    }
  }

  /** An error's message; empty when the server sent none. */
  private static String messageOf(Fields f) {
    return f.errorMessage == null ? "" : f.errorMessage;
  }

  private static ServerMessage toMessage(Fields f, String text) {
    if (f.errorCode != null) {
      return new ServerMessage.ErrorReply(f.id, f.errorCode, messageOf(f));
    }
    if (f.result != null) {
      return new ServerMessage.RpcResult(f.id, f.result);
    }
    if (f.ok) {
      ServerMessage.Position position =
          f.epoch == null ? null : new ServerMessage.Position(f.offset, f.epoch);
      ServerMessage.Recovery recovery =
          f.recovered == null ? null : new ServerMessage.Recovery(f.recovered, f.reason);
      ServerMessage.Session session =
          f.client == null ? null : new ServerMessage.Session(f.client, f.user, f.expires);
      return new ServerMessage.Ok(f.id, position, recovery, session, f.publications, f.clients);
    }
    if (f.hasId) {
      return new ServerMessage.Unknown(text, "a reply with neither ok nor error");
    }
    if (f.channel == null) {
      return new ServerMessage.Unknown(text, "neither a reply nor a push");
    }
    if (f.data != null) {
      return new ServerMessage.Publication(
          f.channel,
          f.epoch == null ? 0 : f.offset,
          f.epoch == null ? "" : f.epoch,
          f.data,
          f.trace);
    }
    if (f.join != null) {
      return new ServerMessage.Join(f.channel, f.join);
    }
    if (f.leave != null) {
      return new ServerMessage.Leave(f.channel, f.leave);
    }
    if (f.unsubscribeCode != null) {
      return new ServerMessage.Unsubscribed(f.channel, f.unsubscribeCode, messageOf(f));
    }
    if (f.subscribed) {
      return new ServerMessage.Subscribed(
          f.channel, f.epoch == null ? null : new ServerMessage.Position(f.offset, f.epoch));
    }
    return new ServerMessage.Unknown(text, "a push of an unknown kind");
  }

  private static void readField(String name, JsonParser p, String text, Fields f)
      throws IOException {
    JsonToken t = p.currentToken();
    switch (name) {
      case "id" -> {
        f.hasId = true;
        f.id = longValue(p);
      }
      case "ok" -> f.ok = t == JsonToken.VALUE_TRUE;
      case "result" -> f.result = readResult(p, text);
      case "error" -> readError(p, f, false);
      case "unsubscribe" -> readError(p, f, true);
      case "subscribe" -> readSubscribe(p, f);
      case "channel" -> f.channel = string(p);
      case "offset" -> f.offset = longValue(p);
      case "epoch" -> f.epoch = string(p);
      case "data" -> f.data = new Payload.Json(CommandDecoder.rawValue(p, text));
      case "trace" -> f.trace = readTrace(p);
      case "join" -> f.join = readMember(p, text);
      case "leave" -> f.leave = readMember(p, text);
      case "recovered" -> f.recovered = booleanValue(p);
      case "reason" -> f.reason = string(p);
      case "client" -> f.client = string(p);
      case "user" -> f.user = nullableString(p);
      case "expires" -> f.expires = longValue(p);
      case "publications" -> f.publications = readEntries(p, text);
      case "clients" -> f.clients = readMembers(p, text);
      default -> p.skipChildren(); // fields a later version adds are ignored
    }
  }

  /**
   * {@code {"traceparent":"..","tracestate":".."}} of a publication; null when it is not a valid
   * trace context (a client does not fail a publication over its trace).
   */
  /** An rpc's {@code {"data":...}} or {@code {"binary":".."}}; null when it is neither. */
  private static @Nullable Payload readResult(JsonParser p, String text) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    Payload result = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("data".equals(name)) {
        result = new Payload.Json(CommandDecoder.rawValue(p, text));
      } else if ("binary".equals(name) && p.currentToken() == JsonToken.VALUE_STRING) {
        try {
          result = new Payload.Binary(Base64.getDecoder().decode(p.getText()));
        } catch (IllegalArgumentException e) {
          result = null;
        }
      } else {
        p.skipChildren();
      }
    }
    return result;
  }

  private static @Nullable TraceContext readTrace(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String traceparent = null;
    String tracestate = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_STRING && name.equals("traceparent")) {
        traceparent = p.getText();
      } else if (t == JsonToken.VALUE_STRING && name.equals("tracestate")) {
        tracestate = p.getText();
      } else {
        p.skipChildren();
      }
    }
    try {
      return traceparent == null ? null : TraceContext.parse(traceparent, tracestate);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code {"offset":41,"epoch":"e"}} or {@code {}}: the position of a subscribe push. */
  private static void readSubscribe(JsonParser p, Fields f) throws IOException {
    expect(p, JsonToken.START_OBJECT);
    f.subscribed = true;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "offset" -> f.offset = longValue(p);
        case "epoch" -> f.epoch = string(p);
        default -> p.skipChildren();
      }
    }
  }

  /** {@code {"code":104,"message":"..."}}: of an error reply or of an unsubscribe push. */
  private static void readError(JsonParser p, Fields f, boolean push) throws IOException {
    expect(p, JsonToken.START_OBJECT);
    int code = 0;
    String message = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "code" -> code = (int) longValue(p);
        case "message" -> message = string(p);
        default -> p.skipChildren();
      }
    }
    if (push) {
      f.unsubscribeCode = code;
    } else {
      f.errorCode = code;
    }
    f.errorMessage = message;
  }

  private static ServerMessage.Member readMember(JsonParser p, String text) throws IOException {
    expect(p, JsonToken.START_OBJECT);
    String client = null;
    String user = null;
    String info = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "client" -> client = string(p);
        case "user" -> user = nullableString(p);
        case "info" -> info = CommandDecoder.rawValue(p, text);
        default -> p.skipChildren();
      }
    }
    if (client == null) {
      throw new IllegalStateException("a member without a client id");
    }
    return new ServerMessage.Member(client, user, info);
  }

  private static List<ServerMessage.Member> readMembers(JsonParser p, String text)
      throws IOException {
    expect(p, JsonToken.START_ARRAY);
    List<ServerMessage.Member> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      out.add(readMember(p, text));
    }
    return out;
  }

  private static List<ServerMessage.Entry> readEntries(JsonParser p, String text)
      throws IOException {
    expect(p, JsonToken.START_ARRAY);
    List<ServerMessage.Entry> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT);
      long offset = 0;
      Payload payload = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "offset" -> offset = longValue(p);
          case "data" -> payload = new Payload.Json(CommandDecoder.rawValue(p, text));
          case "binary" -> payload = new Payload.Binary(Base64.getDecoder().decode(string(p)));
          default -> p.skipChildren();
        }
      }
      if (payload == null) {
        throw new IllegalStateException("a history entry without data or binary");
      }
      out.add(new ServerMessage.Entry(offset, payload));
    }
    return out;
  }

  private static void expect(JsonParser p, JsonToken token) throws IOException {
    if (p.currentToken() != token) {
      throw new IllegalStateException(
          "expected " + token.asString() + " at " + p.currentName() + ", got " + p.currentToken());
    }
  }

  private static long longValue(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new IllegalStateException(p.currentName() + " is not an integer");
    }
    return p.getLongValue();
  }

  private static boolean booleanValue(JsonParser p) throws IOException {
    if (p.currentToken() == null || !p.currentToken().isBoolean()) {
      throw new IllegalStateException(p.currentName() + " is not true or false");
    }
    return p.currentToken() == JsonToken.VALUE_TRUE;
  }

  private static String string(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new IllegalStateException(p.currentName() + " is not a string");
    }
    return p.getText();
  }

  private static @Nullable String nullableString(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? null : string(p);
  }

  /** The fields of one message as read so far. Confined to one decode call. */
  private static final class Fields {
    boolean hasId;
    long id = Command.NO_ID;
    boolean ok;
    @Nullable Payload result;
    @Nullable Integer errorCode;
    @Nullable Integer unsubscribeCode;
    boolean subscribed;
    @Nullable String errorMessage;
    @Nullable String channel;
    long offset;
    @Nullable String epoch;
    @Nullable Payload data;
    @Nullable TraceContext trace;
    ServerMessage.@Nullable Member join;
    ServerMessage.@Nullable Member leave;
    @Nullable Boolean recovered;
    @Nullable String reason;
    @Nullable String client;
    @Nullable String user;
    long expires;
    @Nullable List<ServerMessage.Entry> publications;
    @Nullable List<ServerMessage.Member> clients;
  }
}
