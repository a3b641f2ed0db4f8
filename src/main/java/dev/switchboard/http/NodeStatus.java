package dev.switchboard.http;

import dev.switchboard.hub.Hub;
import dev.switchboard.hub.Phase;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The resources that report on the node from what it holds in memory, without asking the engine:
 * {@code GET /health} (liveness), {@code GET /ready} (readiness, 503 until the engine is ready and
 * from the start of shutdown) and {@code GET /api/stats}. Thread-safe.
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

  /**
   * 200 when the engine is ready and the node serving; else 503 with a {@code reason}: {@code
   * draining} (shutdown has begun: balancers should stop routing here), {@code closing} (clients
   * are being closed) or {@code engine} (the engine is not ready).
   */
  CompletionStage<ApiResponse> ready(ApiRequest request) {
    boolean engineReady = hub.isReady();
    Phase phase = hub.lifecycle().phase();
    boolean ready = engineReady && phase == Phase.SERVING;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ready", ready);
    m.put("engine", Map.of("name", hub.engineName(), "ready", engineReady));
    m.put("accepting", hub.lifecycle().isAccepting());
    if (!ready) {
      m.put("reason", phase != Phase.SERVING ? phase.name().toLowerCase(Locale.ROOT) : "engine");
    }
    ApiResponse ok = answers.ok(m);
    return CompletableFuture.completedStage(ready ? ok : new ApiResponse(503, ok.json(), Map.of()));
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
