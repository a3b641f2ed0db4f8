package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Encodes client commands: the JSON text frames {@link CommandDecoder} reads, field for field, and
 * the binary publish envelope. Used by the Java client, the test clients and the benchmarks, so no
 * one writes a command by hand. Stateless and thread-safe.
 *
 * <p>JSON values a command carries ({@code data}, {@code info}) are inserted as the text given,
 * unchecked, so that a publisher's exact text reaches subscribers; callers that take them from
 * users check them first with {@link #checkJsonValue}. A command whose id is {@link Command#NO_ID}
 * is written without {@code id}; a history without limit ({@link Command.History#ALL}) without
 * {@code limit}, and {@code reverse} only when true.
 */
public final class CommandEncoder {
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(JsonErrors.CONSTRAINTS).build();

  private CommandEncoder() {}

  /**
   * The JSON text frame of {@code command}.
   *
   * @throws IllegalArgumentException for a publish of binary payload: that travels in {@link
   *     #encodeBinary}
   */
  public static String encode(Command command) {
    StringBuilder b = new StringBuilder(64);
    b.append('{');
    if (command.id() != Command.NO_ID) {
      b.append("\"id\":").append(command.id()).append(',');
    }
    // Java 17 has no pattern switch: one instanceof per sealed subtype.
    if (command instanceof Command.Subscribe s) {
      op(b, "subscribe", s.channel());
      since(b, s.since());
      if (s.info() != null) {
        b.append(",\"info\":").append(s.info());
      }
      if (s.trace()) {
        b.append(",\"trace\":true");
      }
    } else if (command instanceof Command.Unsubscribe u) {
      op(b, "unsubscribe", u.channel());
    } else if (command instanceof Command.Publish p) {
      publish(b, p);
    } else if (command instanceof Command.History h) {
      history(b, h);
    } else if (command instanceof Command.Presence p) {
      op(b, "presence", p.channel());
    } else if (command instanceof Command.Connect c) {
      token(b, "connect", c.token());
    } else if (command instanceof Command.Refresh r) {
      token(b, "refresh", r.token());
    } else if (command instanceof Command.Ping) {
      b.append("\"op\":\"ping\"");
    } else if (command instanceof Command.Rpc r) {
      b.append("\"op\":\"rpc\",\"method\":");
      JsonStrings.appendExact(b, r.method());
      b.append(",\"data\":").append(((Payload.Json) r.data()).json());
    } else {
      throw new IllegalArgumentException("no encoding for " + command); // a new Command subtype
    }
    return b.append('}').toString();
  }

  /**
   * The text of a publish without id up to its data, {@code {"op":"publish","channel":"c","data":};
   * the whole command is this, the data's JSON text and {@code "}"}. For load generators that send
   * many publishes to one channel: they encode this once and append only each value.
   */
  public static String publishPrefix(String channel) {
    StringBuilder b = new StringBuilder(40 + channel.length()).append('{');
    op(b, "publish", channel);
    return b.append(",\"data\":").toString();
  }

  /**
   * The binary envelope of a publish whose payload is {@link Payload.Binary}; its id must fit the
   * envelope's four bytes.
   *
   * @throws IllegalArgumentException for a JSON payload, an id over 2^32 - 1 or a trace (binary
   *     publishes carry none)
   */
  public static ByteBuffer encodeBinary(Command.Publish publish) {
    if (!(publish.payload() instanceof Payload.Binary binary)) {
      throw new IllegalArgumentException("a JSON publish travels as text: use encode");
    }
    if (publish.trace() != null) {
      throw new IllegalArgumentException("a binary publish carries no trace: publish JSON");
    }
    if (publish.id() > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("a binary publish id has 4 bytes: " + publish.id());
    }
    return BinaryEnvelope.encodePublish(publish.id(), publish.channel(), binary.bytes());
  }

  /**
   * Checks that {@code json} is exactly one JSON value (object, array, string, number, {@code
   * true}, {@code false} or {@code null}), within the limits the server parses with.
   *
   * @return {@code json}
   * @throws IllegalArgumentException saying what is wrong, when it is not
   */
  public static String checkJsonValue(String json) {
    if (json == null) {
      throw new IllegalArgumentException("no JSON value: null (send the JSON text \"null\")");
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("no JSON value: the text is empty");
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("more than one JSON value: " + abbreviate(json));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON value: " + JsonErrors.describe(e), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON value: " + abbreviate(json), e);
    }
    return json;
  }

  private static void op(StringBuilder b, String op, String channel) {
    b.append("\"op\":\"").append(op).append("\",\"channel\":");
    JsonStrings.appendExact(b, channel);
  }

  private static void since(StringBuilder b, Command.@Nullable Since since) {
    if (since != null) {
      b.append(",\"since\":{\"offset\":").append(since.offset()).append(",\"epoch\":");
      JsonStrings.appendExact(b, since.epoch());
      b.append('}');
    }
  }

  private static void history(StringBuilder b, Command.History h) {
    op(b, "history", h.channel());
    since(b, h.since());
    if (h.limit() != Command.History.ALL) {
      b.append(",\"limit\":").append(h.limit());
    }
    if (h.reverse()) {
      b.append(",\"reverse\":true");
    }
  }

  private static void publish(StringBuilder b, Command.Publish p) {
    if (!(p.payload() instanceof Payload.Json json)) {
      throw new IllegalArgumentException("a binary publish travels in an envelope: encodeBinary");
    }
    op(b, "publish", p.channel());
    b.append(",\"data\":").append(json.json());
    if (p.idempotencyKey() != null) {
      b.append(",\"idempotency_key\":");
      JsonStrings.appendExact(b, p.idempotencyKey());
    }
    if (p.trace() != null) {
      p.trace().appendJson(b.append(",\"trace\":"));
    }
  }

  /** A null token is written as JSON null, so the server's own answer (103) explains it. */
  private static void token(StringBuilder b, String op, String token) {
    b.append("\"op\":\"").append(op).append("\",\"token\":");
    if (token == null) {
      b.append("null");
    } else {
      JsonStrings.appendExact(b, token);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
