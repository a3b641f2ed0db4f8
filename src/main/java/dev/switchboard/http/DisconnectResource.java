package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.EngineStatus;
import dev.switchboard.engine.NodeCommand;
import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/disconnect} with {@code {"user":"alice"[,"reason":"..."]}}: closes every
 * connection of the user with {@link CloseCode#DISCONNECTED} (4510, final) on every node. This
 * node's connections are closed before the answer, and counted in it; the other nodes are told
 * through the engine's node command and close theirs as it reaches them. Thread-safe.
 */
final class DisconnectResource implements Resource {
  /** The reason when the request gives none. */
  static final String DEFAULT_REASON = "disconnected by an administrator";

  /** A close frame's reason holds at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125 less the code). */
  static final int MAX_REASON_BYTES = 123;

  private final Hub hub;
  private final Answers answers;
  private final int maxBodySize;
  private final ObjectMapper json = new ObjectMapper();

  DisconnectResource(Hub hub, Answers answers, int maxBodySize) {
    this.hub = hub;
    this.answers = answers;
    this.maxBodySize = maxBodySize;
  }

  @Override
  public CompletionStage<ApiResponse> answer(ApiRequest request) {
    String type = request.header().apply("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      return answers.refused(415, ErrorCode.MALFORMED, "Content-Type must be application/json");
    }
    if (request.contentLength() > maxBodySize) {
      return answers.refused(413, ErrorCode.TOO_LARGE, "body over " + maxBodySize + " bytes");
    }
    JsonNode body;
    try {
      byte[] bytes = request.body().readNBytes(maxBodySize + 1);
      if (bytes.length > maxBodySize) {
        return answers.refused(413, ErrorCode.TOO_LARGE, "body over " + maxBodySize + " bytes");
      }
      body = json.readTree(bytes);
    } catch (JsonProcessingException e) {
      return answers.refused(400, ErrorCode.MALFORMED, "the body is not JSON");
    } catch (IOException e) {
      return answers.refused(
          400, ErrorCode.MALFORMED, "could not read the body: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      return answers.refused(400, ErrorCode.MALFORMED, "the body must be a JSON object");
    }
    JsonNode user = body.get("user");
    if (user == null || !user.isTextual() || user.asText().isEmpty()) {
      return answers.refused(400, ErrorCode.BAD_FIELD, "user must be a non-empty string");
    }
    String reason = reason(body.get("reason"));
    if (reason == null) {
      return answers.refused(
          400,
          ErrorCode.BAD_FIELD,
          "reason must be a string of at most " + MAX_REASON_BYTES + " bytes of UTF-8");
    }
    return disconnect(user.asText(), reason);
  }

  /** The reason asked for, the default when none, or null when it is not a short string. */
  private static @Nullable String reason(@Nullable JsonNode given) {
    if (given == null || given.isNull()) {
      return DEFAULT_REASON;
    }
    if (!given.isTextual()
        || given.asText().getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      return null;
    }
    return given.asText().isEmpty() ? DEFAULT_REASON : given.asText();
  }

  /**
   * Closes this node's connections of {@code user} first, to count them, then tells every node
   * (this one included, which finds none left) through the engine.
   */
  private CompletionStage<ApiResponse> disconnect(String user, String reason) {
    int closed = hub.disconnectUser(user, CloseCode.DISCONNECTED, reason);
    boolean cluster = hub.engineStatus().link() != EngineStatus.Link.NONE;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    m.put("user", user);
    m.put("code", CloseCode.DISCONNECTED.code());
    m.put("closed_here", closed);
    m.put("other_nodes", cluster ? "told" : "none");
    String answer = answers.ok(m).json();
    CompletionStage<Void> told;
    try {
      told = hub.broadcast(new NodeCommand.DisconnectUser(user, CloseCode.DISCONNECTED, reason));
    } catch (RuntimeException e) {
      told = CompletableFuture.failedFuture(e);
    }
    return answers.fromEngine(
        told.exceptionallyCompose(
            failure ->
                CompletableFuture.failedFuture(
                    new IllegalStateException(
                        "closed "
                            + closed
                            + " connection(s) on this node, but the other nodes were not told ("
                            + failure.getMessage()
                            + ")",
                        failure))),
        v -> answer);
  }
}
