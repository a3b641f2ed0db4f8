package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds the API's responses: refusals, each counted in the hub's metrics; JSON bodies; and answers
 * from engine results, which arrive asynchronously and are bounded by a timeout. Thread-safe.
 */
final class Answers {
  /**
   * How long a request may wait for the engine before the caller gets 503. Long enough for a Redis
   * round trip under load, short enough that callers' own timeouts do not fire first.
   */
  static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(5);

  private final HubMetrics metrics;
  private final Duration engineTimeout;
  private final ObjectMapper json = new ObjectMapper();

  Answers(HubMetrics metrics) {
    this(metrics, ENGINE_TIMEOUT);
  }

  /** With another engine timeout than {@link #ENGINE_TIMEOUT}, for tests. */
  Answers(HubMetrics metrics, Duration engineTimeout) {
    this.metrics = metrics;
    this.engineTimeout = engineTimeout;
  }

  /** A JSON error response with {@code status}, counted as an error of {@code code}. */
  ApiResponse refuse(int status, ErrorCode code, String message) {
    metrics.error(code);
    return ApiResponse.error(status, code, message);
  }

  /** {@link #refuse} as a completed stage. */
  CompletionStage<ApiResponse> refused(int status, ErrorCode code, String message) {
    return CompletableFuture.completedStage(refuse(status, code, message));
  }

  /** A refusal for a request the protocol rules refused, with the status its code maps to. */
  CompletionStage<ApiResponse> refused(ProtocolException e) {
    return refused(400, e.code(), e.getMessage());
  }

  /** 200 with {@code value} written as JSON. */
  ApiResponse ok(Object value) {
    return ApiResponse.ok(write(value));
  }

  /**
   * 200 with {@code body} of the engine's result once {@code stage} completes; a refusal
   * (ProtocolException) becomes its HTTP status, any other failure or no result within the engine
   * timeout ({@link #ENGINE_TIMEOUT} unless a test set another) becomes 503. Never reports a
   * failure as success, and never blocks.
   */
  <T> CompletionStage<ApiResponse> fromEngine(CompletionStage<T> stage, Function<T, String> body) {
    if (stage instanceof CompletableFuture<T> done && done.isDone()) {
      // No timer for an engine that answered at once (the memory engine always does): the JDK's
      // timer thread would otherwise start from a request thread and, in a WAR, keep the web
      // application's class loader alive after undeploy.
      return done.handle(
          (result, failure) ->
              failure == null ? ApiResponse.ok(body.apply(result)) : engineFailure(failure));
    }
    // A private future, so the timeout never completes one the engine shares with others.
    CompletableFuture<T> bounded = new CompletableFuture<>();
    stage.whenComplete(
        (result, failure) -> {
          if (failure != null) {
            bounded.completeExceptionally(failure);
          } else {
            bounded.complete(result);
          }
        });
    return bounded
        .orTimeout(engineTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (result, failure) ->
                failure == null ? ApiResponse.ok(body.apply(result)) : engineFailure(failure));
  }

  private ApiResponse engineFailure(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException) {
      return refuse(
          503,
          ErrorCode.UNAVAILABLE,
          "engine did not answer within " + engineTimeout.toSeconds() + " s");
    }
    ProtocolException refused = protocolCause(cause);
    if (refused != null) {
      return refuse(statusOf(refused.code()), refused.code(), refused.getMessage());
    }
    return refuse(503, ErrorCode.UNAVAILABLE, "engine failed: " + cause.getMessage());
  }

  private static int statusOf(ErrorCode code) {
    return switch (code) {
      case NOT_ENABLED, FORBIDDEN -> 403;
      case TOO_LARGE -> 413;
      case UNAVAILABLE, INTERNAL -> 503;
      default -> 400;
    };
  }

  private static @Nullable ProtocolException protocolCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProtocolException p) {
        return p;
      }
    }
    return null;
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value, e);
    }
  }
}
