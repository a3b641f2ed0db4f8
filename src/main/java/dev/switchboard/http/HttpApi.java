package dev.switchboard.http;

import dev.switchboard.hub.Hub;
import dev.switchboard.log.LogLimiter;
import dev.switchboard.protocol.ErrorCode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP API: {@code POST /api/publish}, {@code GET /api/history}, {@code GET /api/presence},
 * {@code GET /api/stats}, {@code GET /api/stats/channels}, {@code POST /api/disconnect}, {@code GET
 * /health}, {@code GET /ready} and, when the server has metrics, {@code GET /metrics}. Routes a
 * request to its {@link Resource} after checking the method and, for the {@code /api/} resources,
 * the caller ({@link Access}). Every refusal is a JSON error body with a status and is counted.
 * Never blocks: answers that wait for the engine complete later. Thread-safe.
 */
public final class HttpApi {
  private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());

  /** A bug that every request hits must not write a stack trace per request. */
  private final LogLimiter errors = LogLimiter.of(LOG);

  private static final String CONTENT_TYPE = "application/json;charset=UTF-8";

  /** A response header that replaces the JSON Content-Type (the metrics scrape is plain text). */
  private static final String CONTENT_TYPE_HEADER = "Content-Type";

  /** The methods a resource accepts. */
  private enum Methods {
    GET("GET, HEAD", "use GET"),
    POST("POST", "use POST");

    final String allow;
    final String hint;

    Methods(String allow, String hint) {
      this.allow = allow;
      this.hint = hint;
    }

    boolean accept(String method) {
      return this == GET ? method.equals("GET") || method.equals("HEAD") : method.equals("POST");
    }
  }

  /**
   * Where a path leads.
   *
   * @param scope what an API key needs for it, or null for a resource open to every caller
   */
  private record Route(Methods methods, ApiKey.@Nullable Scope scope, Resource resource) {}

  private final Answers answers;
  private final Access access;
  private final Map<String, Route> routes;
  private final NodeStatus status;

  public HttpApi(Hub hub, List<ApiKey> apiKeys, int maxBodySize, String version) {
    this(hub, apiKeys, maxBodySize, version, null);
  }

  /**
   * @param metrics what {@code GET /metrics} serves (protected like {@code /api/stats}, for keys
   *     with the metrics or admin scope), or null for no such path
   */
  public HttpApi(
      Hub hub,
      List<ApiKey> apiKeys,
      int maxBodySize,
      String version,
      @Nullable MetricsText metrics) {
    this.answers = new Answers(hub.metrics());
    this.access = new Access(apiKeys, answers);
    this.status = new NodeStatus(hub, answers, version, access);
    Map<String, Route> r =
        new java.util.HashMap<>(
            Map.of(
                "/health", new Route(Methods.GET, null, status::health),
                "/ready", new Route(Methods.GET, null, status::ready),
                "/api/stats", new Route(Methods.GET, ApiKey.Scope.ADMIN, status::stats),
                "/api/stats/channels", new Route(Methods.GET, ApiKey.Scope.ADMIN, status::channels),
                "/api/disconnect",
                    new Route(
                        Methods.POST,
                        ApiKey.Scope.ADMIN,
                        new DisconnectResource(hub, answers, maxBodySize)),
                "/api/publish",
                    new Route(
                        Methods.POST,
                        ApiKey.Scope.PUBLISH,
                        new PublishResource(hub, answers, maxBodySize)),
                "/api/history",
                    new Route(Methods.GET, ApiKey.Scope.HISTORY, new HistoryResource(hub, answers)),
                "/api/presence",
                    new Route(
                        Methods.GET, ApiKey.Scope.PRESENCE, new PresenceResource(hub, answers))));
    if (metrics != null) {
      r.put(
          "/metrics",
          new Route(
              Methods.GET,
              ApiKey.Scope.METRICS,
              request ->
                  CompletableFuture.completedStage(
                      ApiResponse.ok(metrics.scrape())
                          .withHeader(CONTENT_TYPE_HEADER, metrics.contentType()))));
    }
    this.routes = Map.copyOf(r);
  }

  /**
   * Answers one exchange: reads the request on the caller's thread, then responds (every response
   * uncacheable, JSON in UTF-8, no body for HEAD) when the answer is ready. Never throws.
   */
  public void serve(HttpExchange exchange) {
    ApiRequest request = exchange.request();
    CompletableFuture<ApiResponse> answer = handle(request).toCompletableFuture();
    if (answer.isDone()) {
      answer.whenComplete((response, failure) -> respond(exchange, request, response, failure));
    } else {
      answer.whenCompleteAsync(
          (response, failure) -> respond(exchange, request, response, failure),
          orInline(exchange.executor()));
    }
  }

  /**
   * {@code host}, or the calling thread when there is none or it refuses the task (a pool shutting
   * down, a servlet exchange the container already ended): every exchange gets its response.
   */
  private static Executor orInline(Executor host) {
    return task -> {
      if (host == null) {
        task.run();
        return;
      }
      try {
        host.execute(task);
      } catch (RuntimeException e) {
        task.run();
      }
    };
  }

  /**
   * The answer to one request. The stage never fails: unexpected failures become 500 with a JSON
   * body.
   */
  public CompletionStage<ApiResponse> handle(ApiRequest request) {
    try {
      return route(request).exceptionally(failure -> internalError(request, failure));
    } catch (RuntimeException e) {
      return CompletableFuture.completedStage(internalError(request, e));
    }
  }

  private CompletionStage<ApiResponse> route(ApiRequest request) {
    Route route = routes.get(request.path());
    if (route == null) {
      return answers.refused(404, ErrorCode.UNKNOWN_OP, "no such API resource: " + request.path());
    }
    if (!route.methods().accept(request.method())) {
      return CompletableFuture.completedStage(
          answers
              .refuse(405, ErrorCode.UNKNOWN_OP, route.methods().hint)
              .withHeader("Allow", route.methods().allow));
    }
    Optional<ApiResponse> denied =
        route.scope() == null ? Optional.empty() : access.check(request, route.scope());
    if (denied.isPresent()) {
      return CompletableFuture.completedStage(denied.get());
    }
    return route.resource().answer(request);
  }

  private ApiResponse internalError(ApiRequest request, Throwable failure) {
    errors.log(
        Level.ERROR,
        "HTTP API failed",
        () -> "HTTP API " + request.method() + " " + request.path() + " failed",
        failure);
    return answers.refuse(500, ErrorCode.INTERNAL, "internal error");
  }

  private void respond(
      HttpExchange exchange, ApiRequest request, ApiResponse response, Throwable failure) {
    ApiResponse r = failure == null ? response : internalError(request, failure);
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.put("Cache-Control", "no-store");
    String type = headers.remove(CONTENT_TYPE_HEADER);
    byte[] body = r.json().getBytes(StandardCharsets.UTF_8);
    byte[] written = request.method().equals("HEAD") ? new byte[0] : body;
    try {
      exchange.respond(
          new HttpExchange.Reply(
              r.status(), headers, type == null ? CONTENT_TYPE : type, body.length, written));
    } catch (IOException | RuntimeException e) {
      // The caller went away or the host gave up on the exchange; nobody is left to tell.
      LOG.log(
          Level.DEBUG,
          "HTTP API " + request.method() + " " + request.path() + ": response not sent",
          e);
    }
  }

  /**
   * Adds {@code "name":{...}} to {@code /api/stats}, read at each request (a component's counters,
   * such as the proxy's). {@code figures} is called on the API's threads and must not block.
   */
  public void statsSection(String name, Supplier<Map<String, Object>> figures) {
    status.section(name, figures);
  }

  /**
   * Adds {@code bridges}' figures to what {@code GET /api/stats} lists under {@code bridges}: each
   * a map with at least {@code name}, {@code type} and {@code state}. Called once per kind of
   * bridge (Kafka, JMS) while the node is built.
   */
  public void reportBridges(Supplier<List<Map<String, Object>>> bridges) {
    status.reportBridges(bridges);
  }
}
