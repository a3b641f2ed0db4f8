package dev.switchboard.http;

import dev.switchboard.hub.Hub;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The resources that report on the node from what it holds in memory, without asking the engine:
 * {@code GET /health} (liveness), {@code GET /ready} (readiness, 503 until the engine is ready and
 * the node accepts connections) and {@code GET /api/stats}. Thread-safe.
 */
final class NodeStatus {
  private final Hub hub;
  private final Answers answers;
  private final String version;
  private final long startedAt = System.currentTimeMillis();

  NodeStatus(Hub hub, Answers answers, String version) {
    this.hub = hub;
    this.answers = answers;
    this.version = version;
  }

  CompletionStage<ApiResponse> health(ApiRequest request) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "up");
    m.put("version", version);
    m.put("engine", hub.engineName());
    m.put("connections", hub.connectionCount());
    m.put("uptime_ms", System.currentTimeMillis() - startedAt);
    return CompletableFuture.completedStage(answers.ok(m));
  }

  CompletionStage<ApiResponse> ready(ApiRequest request) {
    boolean engineReady = hub.isReady();
    boolean accepting = hub.isAccepting();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ready", engineReady && accepting);
    m.put("engine", Map.of("name", hub.engineName(), "ready", engineReady));
    m.put("accepting", accepting);
    ApiResponse ok = answers.ok(m);
    return CompletableFuture.completedStage(
        engineReady && accepting ? ok : new ApiResponse(503, ok.json(), Map.of()));
  }

  CompletionStage<ApiResponse> stats(ApiRequest request) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", hub.connectionCount());
    m.put("channels", hub.channelCount());
    m.put("queued_bytes", hub.queuedBytes());
    m.putAll(hub.metrics().snapshot());
    m.put("engine", hub.engineStats());
    return CompletableFuture.completedStage(answers.ok(m));
  }
}
