package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes client frames into {@link Command}s: JSON text frames and the binary publish envelope.
 * Stateless and thread-safe.
 *
 * <p>The {@code data} of a publish is not parsed into a tree: the decoder validates it while
 * skipping over it and keeps the exact text, so a publication is never re-serialized.
 */
public final class CommandDecoder {
  /**
   * Largest id accepted: 2^53 - 1, the largest integer a JavaScript client can hold exactly, so
   * every id survives a round trip through a browser.
   */
  public static final long MAX_ID = (1L << 53) - 1;

  /** Longest idempotency key: room for a UUID with a prefix, short enough to store per publish. */
  public static final int MAX_IDEMPOTENCY_KEY = 128;

  /** Longest presence info, in characters: a name and an avatar URL, not a profile. */
  public static final int MAX_INFO = 1024;

  private final JsonFactory json =
      JsonFactory.builder().streamReadConstraints(JsonErrors.CONSTRAINTS).build();

  /** Decodes one JSON text frame. */
  public Command decode(String text) throws ProtocolException {
    return toCommand(parse(text));
  }

  /**
   * Decodes the body of an HTTP publish, {@code {"channel":"news","data":...}}: the fields of a
   * publish command, with {@code op} optional.
   */
  public Command.Publish decodePublish(String text) throws ProtocolException {
    Fields f = parse(text);
    if (f.op == null) {
      f.op = "publish";
    } else if (!f.op.equals("publish")) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, "op must be publish or absent", f.id);
    }
    return (Command.Publish) toCommand(f);
  }

  /**
   * Checks that {@code text} is exactly one JSON value (what a publish's {@code data} may be) and
   * wraps it as published: the same parser as commands, so both accept the same values.
   */
  public Payload.Json decodeData(String text) throws ProtocolException {
    try (JsonParser p = json.createParser(text)) {
      if (p.nextToken() == null) {
        throw new ProtocolException(ErrorCode.MALFORMED, "data is not a JSON value", Command.NO_ID);
      }
      String value = rawValue(p, text);
      if (p.nextToken() != null) {
        throw new ProtocolException(
            ErrorCode.MALFORMED, "unexpected content after the JSON value", Command.NO_ID);
      }
      return new Payload.Json(value);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(
          ErrorCode.MALFORMED, "invalid JSON: " + JsonErrors.describe(e), Command.NO_ID);
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.MALFORMED, "unreadable JSON", Command.NO_ID);
    }
  }

  private Fields parse(String text) throws ProtocolException {
    Fields f = new Fields();
    try (JsonParser p = json.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ProtocolException(ErrorCode.MALFORMED, "a command must be a JSON object", f.id);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        readField(name, value, p, text, f);
      }
      if (p.nextToken() != null) {
        throw new ProtocolException(
            ErrorCode.MALFORMED, "unexpected content after the command", f.id);
      }
    } catch (JsonProcessingException e) {
      throw new ProtocolException(
          ErrorCode.MALFORMED, "invalid JSON: " + JsonErrors.describe(e), f.id);
    } catch (IOException e) {
      // A String source cannot fail with plain I/O errors; treat it as a parse failure anyway.
      throw new ProtocolException(ErrorCode.MALFORMED, "unreadable command", f.id);
    }
    return f;
  }

  /**
   * Decodes a binary frame: the publish envelope described in docs/PROTOCOL.md. The buffer is read
   * from its position to its limit; the payload is copied.
   */
  public Command decodeBinary(ByteBuffer frame) throws ProtocolException {
    return BinaryEnvelope.decodePublish(frame);
  }

  private static void readField(String name, JsonToken value, JsonParser p, String text, Fields f)
      throws IOException, ProtocolException {
    switch (name) {
      case "id" -> f.id = readId(value, p);
      case "op" -> f.op = readString(name, value, p, f);
      case "channel" -> f.channel = readString(name, value, p, f);
      case "data" -> f.data = rawValue(p, text);
      case "info" -> f.info = rawValue(p, text);
      case "since" -> readSince(value, p, f);
      case "idempotency_key" -> f.idempotencyKey = readString(name, value, p, f);
      case "token" -> f.token = readString(name, value, p, f);
      case "method" -> f.method = readString(name, value, p, f);
      case "limit" -> f.limit = readLimit(value, p, f);
      case "reverse" -> f.reverse = readBoolean(name, value, p, f);
      case "trace" -> f.trace = TraceField.read(value, p);
      default -> p.skipChildren(); // unknown fields are ignored, for forward compatibility
    }
  }

  private static long readId(JsonToken value, JsonParser p) throws IOException, ProtocolException {
    if (value != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < 0
        || p.getLongValue() > MAX_ID) {
      throw new ProtocolException(
          ErrorCode.BAD_FIELD, "id must be an integer from 0 to " + MAX_ID, Command.NO_ID);
    }
    return p.getLongValue();
  }

  private static @Nullable String readString(String name, JsonToken value, JsonParser p, Fields f)
      throws IOException, ProtocolException {
    if (value != JsonToken.VALUE_STRING) {
      // Keep reading so that a malformed rest of the frame is still reported as malformed.
      p.skipChildren();
      f.fail(name + " must be a string");
      return null;
    }
    return p.getText();
  }

  private static void readSince(JsonToken value, JsonParser p, Fields f) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      f.fail("since must be an object {\"offset\":<integer>,\"epoch\":<string>}");
      return;
    }
    long offset = -1;
    String epoch = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("offset")
          && t == JsonToken.VALUE_NUMBER_INT
          && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        offset = p.getLongValue();
      } else if (name.equals("epoch") && t == JsonToken.VALUE_STRING) {
        epoch = p.getText();
      } else {
        p.skipChildren();
      }
    }
    if (offset < 0 || epoch == null) {
      f.fail("since needs a non-negative integer offset and a string epoch");
      return;
    }
    f.since = new Command.Since(offset, epoch);
  }

  private static int readLimit(JsonToken value, JsonParser p, Fields f) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < 0
        || p.getLongValue() > Integer.MAX_VALUE) {
      p.skipChildren();
      f.fail("limit must be a non-negative integer");
      return Command.History.ALL;
    }
    return p.getIntValue();
  }

  private static boolean readBoolean(String name, JsonToken value, JsonParser p, Fields f)
      throws IOException {
    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
      p.skipChildren();
      f.fail(name + " must be true or false");
      return false;
    }
    return value == JsonToken.VALUE_TRUE;
  }

  /** The exact text of the value at the parser, which is moved past it. */
  static String rawValue(JsonParser p, String text) throws IOException {
    int start = (int) p.currentTokenLocation().getCharOffset();
    if (p.currentToken().isStructStart()) {
      p.skipChildren();
    } else {
      p.finishToken();
    }
    int end = (int) p.currentLocation().getCharOffset();
    return text.substring(start, end);
  }

  private static Command toCommand(Fields f) throws ProtocolException {
    if (f.badField != null) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, f.badField, f.id);
    }
    if (f.op == null) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, "op is required", f.id);
    }
    return switch (f.op) {
      case "subscribe" -> subscribe(f);
      case "connect" -> new Command.Connect(f.id, requireToken(f));
      case "refresh" -> new Command.Refresh(f.id, requireToken(f));
      case "unsubscribe" ->
          new Command.Unsubscribe(
              f.id,
              f.channel != null && ChannelName.isPattern(f.channel)
                  ? f.channel
                  : requireChannel(f));
      case "publish" ->
          new Command.Publish(
              f.id, requireChannel(f), requireData(f), checkedKey(f), publishTrace(f));
      case "history" -> new Command.History(f.id, requireChannel(f), f.since, f.limit, f.reverse);
      case "presence" -> new Command.Presence(f.id, requireChannel(f));
      case "ping" -> new Command.Ping(f.id);
      case "rpc" ->
          new Command.Rpc(
              f.id, requireMethod(f), new Payload.Json(f.data == null ? "null" : f.data));
      default ->
          throw new ProtocolException(
              ErrorCode.UNKNOWN_OP, "unknown op '" + abbreviate(f.op) + "'", f.id);
    };
  }

  private static String requireChannel(Fields f) throws ProtocolException {
    if (f.channel == null) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, "channel is required", f.id);
    }
    String problem = ChannelName.problem(f.channel);
    if (problem != null) {
      throw new ProtocolException(ErrorCode.BAD_CHANNEL, problem, f.id);
    }
    return f.channel;
  }

  private static Command.Subscribe subscribe(Fields f) throws ProtocolException {
    if (f.channel != null && ChannelName.isPattern(f.channel)) {
      if (f.since != null) {
        throw new ProtocolException(
            ErrorCode.BAD_FIELD, "pattern subscriptions are live only: no since", f.id);
      }
      return new Command.Subscribe(f.id, f.channel, null, checkedInfo(f), subscribeTrace(f));
    }
    return new Command.Subscribe(
        f.id, requireChannel(f), f.since, checkedInfo(f), subscribeTrace(f));
  }

  private static boolean subscribeTrace(Fields f) throws ProtocolException {
    return f.trace == null ? false : f.trace.forSubscribe(f.id);
  }

  private static @Nullable TraceContext publishTrace(Fields f) throws ProtocolException {
    return f.trace == null ? null : f.trace.forPublish(f.id);
  }

  private static String requireToken(Fields f) throws ProtocolException {
    if (f.token == null || f.token.isEmpty()) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, "token is required", f.id);
    }
    return f.token;
  }

  private static @Nullable String checkedInfo(Fields f) throws ProtocolException {
    if (f.info != null && f.info.length() > MAX_INFO) {
      throw new ProtocolException(
          ErrorCode.BAD_FIELD, "info is longer than " + MAX_INFO + " characters", f.id);
    }
    return f.info;
  }

  /** Validates an idempotency key; shared with the HTTP API's query parameter. */
  public static @Nullable String checkKey(@Nullable String key, long id) throws ProtocolException {
    if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY)) {
      throw new ProtocolException(
          ErrorCode.BAD_FIELD,
          "idempotency_key must have 1 to " + MAX_IDEMPOTENCY_KEY + " characters",
          id);
    }
    return key;
  }

  private static @Nullable String checkedKey(Fields f) throws ProtocolException {
    return checkKey(f.idempotencyKey, f.id);
  }

  private static Payload requireData(Fields f) throws ProtocolException {
    if (f.data == null) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, "data is required", f.id);
    }
    return new Payload.Json(f.data);
  }

  private static String requireMethod(Fields f) throws ProtocolException {
    if (f.method == null || f.method.isEmpty() || f.method.length() > Command.Rpc.MAX_METHOD) {
      throw new ProtocolException(
          ErrorCode.BAD_FIELD,
          "method is required, 1 to " + Command.Rpc.MAX_METHOD + " characters",
          f.id);
    }
    return f.method;
  }

  /** Keeps error messages short when a client sends a huge bogus op. */
  private static String abbreviate(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "...";
  }

  /** The fields of one command as read so far. Confined to one decode call. */
  private static final class Fields {
    long id = Command.NO_ID;
    @Nullable String op;
    @Nullable String channel;
    @Nullable String data;
    @Nullable String info;
    Command.@Nullable Since since;
    @Nullable String idempotencyKey;
    @Nullable String token;
    @Nullable String method;
    int limit = Command.History.ALL;
    boolean reverse;

    /** The {@code trace} field as read, or null when absent. */
    @Nullable TraceField trace;

    @Nullable String badField;

    /** Remembers the first field problem; reading goes on so malformed JSON is still reported. */
    void fail(String problem) {
      if (badField == null) {
        badField = problem;
      }
    }
  }
}
