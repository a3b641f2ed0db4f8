package dev.switchboard.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes one decision call: POSTs a JSON request to the backend and validates its answer, retrying
 * failed calls. Blocks the calling thread for at most {@code timeout x (retries + 1)}. Safe from
 * any thread.
 *
 * <p>A valid answer is a JSON object with exactly one of {@code "result"} (an object) or {@code
 * "error"} (an object with an integer {@code code} and a string {@code message}), HTTP status 200.
 * Anything else is a failure, counted and logged (at most once a minute per endpoint and kind).
 */
final class ProxyClient {
  private static final Logger LOG = System.getLogger(ProxyClient.class.getName());

  /** One warning per endpoint and kind of failure a minute: a dead backend must not flood logs. */
  private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  /** How much of a bad answer a log line quotes: enough to recognise it. */
  private static final int QUOTE = 200;

  /** The backend's answer to one call. */
  sealed interface Answer {
    /** {@code {"result":{...}}}. */
    record Result(ObjectNode result) implements Answer {}

    /** {@code {"error":{"code":..,"message":..}}}. */
    record Refused(int code, String message) implements Answer {}

    /**
     * No valid answer after every try.
     *
     * @param why shown to the client when denied
     * @param answered the backend answered, in a shape it must not (malformed): never retried, and
     *     it denies whatever {@code proxy.fail} says
     */
    record Failed(String why, boolean answered) implements Answer {}
  }

  private final ObjectMapper json;
  private final HttpClient http;
  private final Duration timeout;
  private final int retries;
  private final ProxyStats stats;

  /** When each endpoint and kind last warned, by System.nanoTime. */
  private final Map<String, Long> warned = new ConcurrentHashMap<>();

  ProxyClient(ObjectMapper json, ProxyOptions options, ProxyStats stats) {
    this.json = json;
    this.timeout = options.timeout();
    this.retries = options.retries();
    this.stats = stats;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(options.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Calls {@code uri} with {@code request}, retrying failures. */
  Answer call(URI uri, ObjectNode request, Map<String, String> headers) {
    byte[] body;
    try {
      body = json.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a proxy request is always writable", e);
    }
    Answer answer = once(uri, body, headers);
    for (int i = 0; i < retries && answer instanceof Answer.Failed f && !f.answered(); i++) {
      stats.retries.increment();
      answer = once(uri, body, headers);
    }
    return answer;
  }

  private Answer once(URI uri, byte[] body, Map<String, String> headers) {
    stats.requests.increment();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(
        (name, value) -> {
          try {
            builder.header(name, value);
          } catch (IllegalArgumentException e) {
            // a header the HTTP client sets itself (host, content-length ...): in the body only
          }
        });
    HttpRequest request = builder.setHeader("Content-Type", "application/json").build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      stats.timeouts.increment();
      return failed(uri, "timeout", "no answer within " + timeout.toMillis() + " ms", "");
    } catch (IOException e) {
      return failed(uri, "io", "cannot reach the backend", String.valueOf(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(uri, "interrupted", "interrupted", "");
    }
    if (response.statusCode() != 200) {
      return failed(uri, "status", "HTTP status " + response.statusCode(), quote(response.body()));
    }
    return parse(uri, response.body());
  }

  private Answer parse(URI uri, String body) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return malformed(uri, "not a JSON object", body);
    }
    JsonNode result = root.get("result");
    JsonNode error = root.get("error");
    if (result != null && error == null && result.isObject()) {
      return new Answer.Result((ObjectNode) result);
    }
    if (error != null && result == null && error.isObject()) {
      JsonNode code = error.get("code");
      JsonNode message = error.get("message");
      if (code != null && code.canConvertToInt() && code.isIntegralNumber()) {
        if (message != null && message.isTextual()) {
          stats.denials.increment();
          return new Answer.Refused(code.intValue(), message.textValue());
        }
      }
      return malformed(uri, "error without an integer code and a string message", body);
    }
    return malformed(uri, "neither one result object nor one error object", body);
  }

  /** A 200 answer of the wrong shape: counted and logged; a validation failure of the backend. */
  Answer malformed(URI uri, String what, String body) {
    stats.malformed.increment();
    failed(uri, "malformed", "malformed backend answer", what + ": " + quote(body));
    return new Answer.Failed("malformed backend answer", true);
  }

  /**
   * A call not made because {@code limit} calls were in flight: counted (not as a failure of the
   * backend) and logged once a minute.
   */
  Answer busy(URI uri, int limit) {
    stats.rejected.increment();
    String why = "backend busy: " + limit + " calls in flight";
    warn(uri, "busy", why, "proxy.max-in-flight");
    return new Answer.Failed(why, false);
  }

  private Answer failed(URI uri, String kind, String why, String detail) {
    stats.failures.increment();
    warn(uri, kind, why, detail);
    return new Answer.Failed("backend unavailable: " + why, false);
  }

  private void warn(URI uri, String kind, String why, String detail) {
    long now = System.nanoTime();
    String key = uri + " " + kind;
    Long last = warned.get(key);
    if (last == null || now - last >= WARN_EVERY_NANOS) {
      warned.put(key, now);
      LOG.log(
          Level.WARNING,
          "proxy "
              + uri
              + ": "
              + why
              + (detail.isEmpty() ? "" : " (" + detail + ")")
              + "; further such failures of this endpoint are counted, logged once a minute");
    }
  }

  private static String quote(String body) {
    return body.length() <= QUOTE ? body : body.substring(0, QUOTE) + "...";
  }
}
