package dev.switchboard.http;

import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessageEncoder;
import dev.switchboard.protocol.TraceContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/publish}: a JSON publish command, or with an octet-stream body {@code
 * ?channel=news[&idempotency_key=k]} and binary data; a W3C {@code traceparent} header (with {@code
 * tracestate}) travels with the publication and wins over a {@code trace} field in the body.
 * Thread-safe.
 */
final class PublishResource implements Resource {
  private static final System.Logger LOG = System.getLogger(PublishResource.class.getName());

  private final Hub hub;
  private final Answers answers;
  private final int maxBodySize;
  private final CommandDecoder decoder = new CommandDecoder();

  PublishResource(Hub hub, Answers answers, int maxBodySize) {
    this.hub = hub;
    this.answers = answers;
    this.maxBodySize = maxBodySize;
  }

  @Override
  public CompletionStage<ApiResponse> answer(ApiRequest request) {
    String type = mediaType(request.header().apply("Content-Type"));
    boolean binary = type.equals("application/octet-stream");
    if (!binary && !type.equals("application/json")) {
      return answers.refused(
          415,
          ErrorCode.MALFORMED,
          "Content-Type must be application/json or application/octet-stream");
    }
    if (request.contentLength() > maxBodySize) {
      return answers.refused(413, ErrorCode.TOO_LARGE, "body over " + maxBodySize + " bytes");
    }
    byte[] body;
    try {
      body = readBody(request.body());
    } catch (IOException e) {
      return answers.refused(
          400, ErrorCode.MALFORMED, "could not read the body: " + e.getMessage());
    }
    if (body == null) {
      return answers.refused(413, ErrorCode.TOO_LARGE, "body over " + maxBodySize + " bytes");
    }
    Command.Publish command;
    try {
      command =
          binary ? binaryPublish(request.query(), body) : decoder.decodePublish(strictUtf8(body));
    } catch (ProtocolException e) {
      return answers.refused(e);
    }
    TraceContext trace = traceHeaders(request.header(), hub.metrics());
    if (trace != null) {
      command = command.withTrace(trace);
    }
    try {
      hub.checkSize(command.channel(), command.payload());
    } catch (ProtocolException e) {
      // 104 for an unknown namespace (namespaces.strict), 105 for a payload over the limit.
      int status = e.code() == ErrorCode.TOO_LARGE ? 413 : 400;
      return answers.refused(status, e.code(), e.getMessage());
    }
    return answers.fromEngine(
        hub.publish(
            command.channel(), command.payload(), command.idempotencyKey(), command.trace()),
        r -> ServerMessageEncoder.published(Command.NO_ID, r.offset(), r.epoch()));
  }

  /**
   * The W3C {@code traceparent} and {@code tracestate} headers as a trace context, or null. As the
   * Trace Context specification tells a receiver, an invalid {@code traceparent} is ignored (the
   * publish goes on without a trace), and an invalid or over-long {@code tracestate} is dropped
   * while a valid {@code traceparent} is kept; each is counted.
   */
  static @Nullable TraceContext traceHeaders(
      Function<String, @Nullable String> header, HubMetrics metrics) {
    String traceparent = header.apply("traceparent");
    if (traceparent == null) {
      return null;
    }
    traceparent = traceparent.trim();
    if (TraceContext.traceparentProblem(traceparent) != null) {
      LOG.log(Level.DEBUG, () -> "ignored an invalid traceparent header");
      metrics.ignoredTraceHeader();
      return null;
    }
    String tracestate = header.apply("tracestate");
    if (tracestate != null && TraceContext.tracestateProblem(tracestate.trim()) != null) {
      metrics.ignoredTraceHeader();
      tracestate = null;
    }
    return TraceContext.parse(traceparent, tracestate == null ? null : tracestate.trim());
  }

  private static Command.Publish binaryPublish(@Nullable String query, byte[] body)
      throws ProtocolException {
    Map<String, String> q = QueryParams.parse(query);
    String channel = QueryParams.channel(q);
    String key = CommandDecoder.checkKey(q.get("idempotency_key"), Command.NO_ID);
    return new Command.Publish(Command.NO_ID, channel, new Payload.Binary(body), key);
  }

  /**
   * The body as text, refused (101) unless it is valid UTF-8. JSON text must be UTF-8 (RFC 8259)
   * and a WebSocket text frame that is not is closed with 1007; decoding leniently would replace
   * the bad bytes with U+FFFD and publish something other than what was sent.
   */
  private static String strictUtf8(byte[] body) throws ProtocolException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException(
          ErrorCode.MALFORMED, "the body is not valid UTF-8", Command.NO_ID);
    }
  }

  /** Reads the body, or returns null when it is longer than the limit. */
  private byte @Nullable [] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(maxBodySize + 1);
    return body.length > maxBodySize ? null : body;
  }

  private static String mediaType(@Nullable String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    String t = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return t.trim().toLowerCase(Locale.ROOT);
  }
}
