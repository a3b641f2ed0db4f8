package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.Replies;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP API: {@code POST /api/publish}, {@code GET /api/stats}, {@code GET /health} and {@code
 * GET /ready}. Every refusal is a JSON error body with a status and is counted. Thread-safe.
 */
public final class HttpApi {
  private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());

  /**
   * How long a request may wait for the engine before the caller gets 503. Long enough for a
   * Redis round trip under load, short enough that callers' own timeouts do not fire first.
   */
  private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(5);

  private final Hub hub;
  private final List<ApiKey> apiKeys;
  private final int maxBodySize;
  private final String version;
  private final long startedAt = System.currentTimeMillis();
  private final ObjectMapper json = new ObjectMapper();
  private final CommandDecoder decoder = new CommandDecoder();

  public HttpApi(Hub hub, List<ApiKey> apiKeys, int maxBodySize, String version) {
    this.hub = hub;
    this.apiKeys = List.copyOf(apiKeys);
    this.maxBodySize = maxBodySize;
    this.version = version;
  }

  /** Answers one request. Never throws: unexpected failures become 500 with a JSON body. */
  public ApiResponse handle(ApiRequest request) {
    try {
      return switch (request.path()) {
        case "/health" -> onlyGet(request, this::health);
        case "/ready" -> onlyGet(request, this::ready);
        case "/api/stats" -> onlyGet(request, () -> authorized(request, ApiKey.Scope.ADMIN).orElseGet(this::stats));
        case "/api/publish" -> publish(request);
        case "/api/history" -> onlyGet(request, () -> authorized(request, ApiKey.Scope.HISTORY).orElseGet(() -> history(request)));
        case "/api/presence" -> onlyGet(request, () -> authorized(request, ApiKey.Scope.PRESENCE).orElseGet(() -> presence(request)));
        default -> refuse(404, ErrorCode.UNKNOWN_OP, "no such API resource: " + request.path());
      };
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "HTTP API " + request.method() + " " + request.path() + " failed", e);
      return refuse(500, ErrorCode.INTERNAL, "internal error");
    }
  }

  private ApiResponse health() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "up");
    m.put("version", version);
    m.put("engine", hub.engineName());
    m.put("connections", hub.connectionCount());
    m.put("uptime_ms", System.currentTimeMillis() - startedAt);
    return ApiResponse.ok(write(m));
  }

  private ApiResponse ready() {
    boolean engineReady = hub.isReady();
    boolean accepting = hub.isAccepting();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ready", engineReady && accepting);
    m.put("engine", Map.of("name", hub.engineName(), "ready", engineReady));
    m.put("accepting", accepting);
    return new ApiResponse(engineReady && accepting ? 200 : 503, write(m), Map.of());
  }

  private ApiResponse stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", hub.connectionCount());
    m.put("channels", hub.channelCount());
    m.put("queued_bytes", hub.queuedBytes());
    m.putAll(hub.metrics().snapshot());
    m.put("engine", hub.engineStats());
    return ApiResponse.ok(write(m));
  }

  private ApiResponse publish(ApiRequest request) {
    if (!request.method().equals("POST")) {
      return refuse(405, ErrorCode.UNKNOWN_OP, "use POST").withHeader("Allow", "POST");
    }
    Optional<ApiResponse> denied = authorized(request, ApiKey.Scope.PUBLISH);
    if (denied.isPresent()) {
      return denied.get();
    }
    String type = mediaType(request.header().apply("Content-Type"));
    boolean binary = type.equals("application/octet-stream");
    if (!binary && !type.equals("application/json")) {
      return refuse(415, ErrorCode.MALFORMED, "Content-Type must be application/json or application/octet-stream");
    }
    if (request.contentLength() > maxBodySize) {
      return refuse(413, ErrorCode.TOO_LARGE, "body over " + maxBodySize + " bytes");
    }
    byte[] body;
    try {
      body = readBody(request.body());
    } catch (IOException e) {
      return refuse(400, ErrorCode.MALFORMED, "could not read the body: " + e.getMessage());
    }
    if (body == null) {
      return refuse(413, ErrorCode.TOO_LARGE, "body over " + maxBodySize + " bytes");
    }
    Command.Publish command;
    try {
      command = binary ? binaryPublish(request.query(), body) : decoder.decodePublish(strictUtf8(body));
    } catch (ProtocolException e) {
      return refuse(400, e.code(), e.getMessage());
    }
    int max = hub.namespaces().of(command.channel()).maxMessageSize();
    if (command.payload().size() > max) {
      return refuse(413, ErrorCode.TOO_LARGE, "payload over " + max + " bytes for " + command.channel());
    }
    return await(
        hub.publish(command.channel(), command.payload(), command.idempotencyKey()),
        r -> Replies.published(Command.NO_ID, r));
  }

  /** {@code GET /api/history?channel=c&limit=50&since_offset=41&since_epoch=e&reverse=true} */
  private ApiResponse history(ApiRequest request) {
    Map<String, String> q = queryParams(request.query());
    String channel = q.get("channel");
    try {
      checkChannel(channel);
      int limit = q.containsKey("limit") ? parseInt("limit", q.get("limit")) : Command.History.ALL;
      Command.Since since = null;
      if (q.containsKey("since_offset") || q.containsKey("since_epoch")) {
        long offset = parseInt("since_offset", q.get("since_offset"));
        String epoch = q.get("since_epoch");
        if (epoch == null) {
          throw new ProtocolException(ErrorCode.BAD_FIELD, "since_epoch is required with since_offset", Command.NO_ID);
        }
        since = new Command.Since(offset, epoch);
      }
      boolean reverse = "true".equals(q.get("reverse"));
      return await(
          hub.history(channel, since, limit, reverse),
          r -> Replies.history(Command.NO_ID, r.publications(), r.position()));
    } catch (ProtocolException e) {
      return refuse(400, e.code(), e.getMessage());
    }
  }

  /** {@code GET /api/presence?channel=c} */
  private ApiResponse presence(ApiRequest request) {
    String channel = queryParams(request.query()).get("channel");
    try {
      checkChannel(channel);
    } catch (ProtocolException e) {
      return refuse(400, e.code(), e.getMessage());
    }
    return await(hub.presenceOf(channel), clients -> Replies.presence(Command.NO_ID, clients));
  }

  /**
   * Waits for an engine result; a refusal (ProtocolException) becomes its HTTP status, any other
   * failure or a timeout becomes 503. Never reports a failure as success.
   */
  private <T> ApiResponse await(CompletionStage<T> stage, Function<T, String> body) {
    try {
      T result = stage.toCompletableFuture().get(ENGINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return ApiResponse.ok(body.apply(result));
    } catch (ExecutionException e) {
      ProtocolException refused = protocolCause(e);
      if (refused != null) {
        return refuse(statusOf(refused.code()), refused.code(), refused.getMessage());
      }
      return refuse(503, ErrorCode.UNAVAILABLE, "engine failed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      return refuse(503, ErrorCode.UNAVAILABLE, "engine did not answer within " + ENGINE_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refuse(503, ErrorCode.UNAVAILABLE, "interrupted");
    }
  }

  private static int statusOf(ErrorCode code) {
    return switch (code) {
      case NOT_ENABLED, FORBIDDEN -> 403;
      case TOO_LARGE -> 413;
      case UNAVAILABLE, INTERNAL -> 503;
      default -> 400;
    };
  }

  private static ProtocolException protocolCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProtocolException p) {
        return p;
      }
    }
    return null;
  }

  private static void checkChannel(String channel) throws ProtocolException {
    if (channel == null) {
      throw new ProtocolException(ErrorCode.BAD_FIELD, "channel query parameter is required", Command.NO_ID);
    }
    String problem = ChannelName.problem(channel);
    if (problem != null) {
      throw new ProtocolException(ErrorCode.BAD_CHANNEL, problem, Command.NO_ID);
    }
  }

  private static int parseInt(String name, String value) throws ProtocolException {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ProtocolException(ErrorCode.BAD_FIELD, name + " must be a non-negative integer", Command.NO_ID);
  }

  /**
   * {@code POST /api/publish?channel=news[&idempotency_key=k]} with an octet-stream body publishes
   * binary.
   */
  private static Command.Publish binaryPublish(String query, byte[] body) throws ProtocolException {
    Map<String, String> q = queryParams(query);
    String channel = q.get("channel");
    checkChannel(channel);
    String key = CommandDecoder.checkKey(q.get("idempotency_key"), Command.NO_ID);
    return new Command.Publish(Command.NO_ID, channel, new Payload.Binary(body), key);
  }

  /**
   * Empty when the caller may do {@code scope}: with keys configured, a bearer key that has the
   * scope (401 for a missing or unknown key, 403 for a key without the scope); without keys, a
   * direct loopback caller: one on loopback whose request carries no forwarding header, since a
   * proxy on this machine makes every caller look like loopback ({@link ProxyHeaders}). Every key
   * is compared (in constant time) so the time taken does not tell which one matched.
   */
  private Optional<ApiResponse> authorized(ApiRequest request, ApiKey.Scope scope) {
    if (!apiKeys.isEmpty()) {
      String auth = request.header().apply("Authorization");
      String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
      ApiKey matched = null;
      for (ApiKey k : apiKeys) {
        if (k.matches(token) && matched == null) {
          matched = k;
        }
      }
      if (matched == null) {
        return Optional.of(
            refuse(401, ErrorCode.UNAUTHORIZED, "missing or wrong API key").withHeader("WWW-Authenticate", "Bearer"));
      }
      if (!matched.allows(scope)) {
        return Optional.of(
            refuse(403, ErrorCode.FORBIDDEN, "API key '" + matched.name() + "' lacks the " + scope.name().toLowerCase(Locale.ROOT) + " scope"));
      }
      return Optional.empty();
    }
    if (request.remote() == null || !request.remote().isLoopbackAddress()) {
      return Optional.of(
          refuse(403, ErrorCode.UNAUTHORIZED, "no API key is configured: only loopback callers are allowed"));
    }
    String proxy = ProxyHeaders.firstPresent(request.header());
    if (proxy != null) {
      return Optional.of(
          refuse(
              403,
              ErrorCode.UNAUTHORIZED,
              "no API key is configured: only direct loopback callers are allowed, and this request came through a proxy ("
                  + proxy + " header); configure api.keys to use the API through a proxy"));
    }
    return Optional.empty();
  }

  private ApiResponse onlyGet(ApiRequest request, java.util.function.Supplier<ApiResponse> get) {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return refuse(405, ErrorCode.UNKNOWN_OP, "use GET").withHeader("Allow", "GET, HEAD");
    }
    return get.get();
  }

  private ApiResponse refuse(int status, ErrorCode code, String message) {
    hub.metrics().error(code);
    return ApiResponse.error(status, code, message);
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
      throw new ProtocolException(ErrorCode.MALFORMED, "the body is not valid UTF-8", Command.NO_ID);
    }
  }

  /** Reads the body, or returns null when it is longer than the limit. */
  private byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(maxBodySize + 1);
    return body.length > maxBodySize ? null : body;
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    String t = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return t.trim().toLowerCase(Locale.ROOT);
  }

  private static Map<String, String> queryParams(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      params.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value, e);
    }
  }
}
