package dev.switchboard.http;

import dev.switchboard.engine.EngineStatus;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubFigures;
import dev.switchboard.hub.Phase;
import dev.switchboard.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The resources that report on the node from what it holds in memory, without asking the engine:
 * {@code GET /health} (liveness), {@code GET /ready} (readiness, 503 until the engine is ready and
 * from the start of shutdown), {@code GET /api/stats} and {@code GET /api/stats/channels} (the top
 * channels). Thread-safe.
 */
final class NodeStatus {
  /** Sections other components add to the stats, in the order added. Thread-safe map. */
  private final Map<String, Supplier<Map<String, Object>>> sections =
      java.util.Collections.synchronizedMap(new LinkedHashMap<>());

  /** How many top channels {@code /api/stats/channels} lists without a {@code limit}. */
  static final int DEFAULT_TOP = 20;

  private final Hub hub;
  private final Answers answers;
  private final String version;
  private final Access access;
  private final long startedAt = System.currentTimeMillis();

  /**
   * The bridges' entries for /api/stats, one supplier per kind of bridge (Kafka, JMS). Added by the
   * composition root while it builds the node, read by the API's threads.
   */
  private final List<Supplier<List<Map<String, Object>>>> bridges = new CopyOnWriteArrayList<>();

  NodeStatus(Hub hub, Answers answers, String version, Access access) {
    this.hub = hub;
    this.answers = answers;
    this.version = version;
    this.access = access;
  }

  /** Adds {@code more} to what {@code /api/stats} lists under {@code bridges}. */
  void reportBridges(Supplier<List<Map<String, Object>>> more) {
    bridges.add(more);
  }

  private List<Map<String, Object>> bridges() {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Supplier<List<Map<String, Object>>> kind : bridges) {
      all.addAll(kind.get());
    }
    return all;
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

  /** Adds a section to the stats; see {@link HttpApi#statsSection}. */
  void section(String name, Supplier<Map<String, Object>> figures) {
    sections.put(name, figures);
  }

  CompletionStage<ApiResponse> stats(ApiRequest request) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", hub.connectionCount());
    m.put("sse_connections", hub.metrics().sseSessions()); // of the connections: event streams
    m.put("channels", hub.channelCount());
    m.put("queued_bytes", hub.queuedBytes());
    m.putAll(hub.metrics().snapshot());
    Map<String, Object> engine = new LinkedHashMap<>(hub.engineStats());
    engine.put("link", link(hub.engineStatus()));
    m.put("engine", engine);
    m.put("namespaces", namespaces());
    m.put("bridges", bridges()); // empty: the dashboard says "none configured"
    sections.forEach((name, figures) -> m.put(name, figures.get()));
    m.put("caller", Map.of("admin", access.allows(request, ApiKey.Scope.ADMIN)));
    return CompletableFuture.completedStage(answers.ok(m));
  }

  /**
   * {@code GET /api/stats/channels[?limit=n]}: the channels with the most subscribers and with the
   * highest recent publication rate on this node, {@code limit} of each (default 20, at most 100).
   */
  CompletionStage<ApiResponse> channels(ApiRequest request) {
    int limit;
    try {
      String raw = QueryParams.parse(request.query()).get("limit");
      limit = raw == null ? DEFAULT_TOP : QueryParams.nonNegativeInt("limit", raw);
    } catch (ProtocolException e) {
      return answers.refused(e);
    }
    if (limit > HubFigures.MAX_TOP) {
      return answers.refused(
          400,
          dev.switchboard.protocol.ErrorCode.BAD_FIELD,
          "limit must be at most " + HubFigures.MAX_TOP);
    }
    HubFigures.Top top = hub.figures().top(limit);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("by_subscribers", channelList(top.bySubscribers()));
    m.put("by_rate", channelList(top.byRate()));
    return CompletableFuture.completedStage(answers.ok(m));
  }

  private List<Map<String, Object>> namespaces() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (HubFigures.Namespace n : hub.figures().namespaces()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("namespace", n.namespace());
      m.put("channels", n.channels());
      m.put("subscriptions", n.subscriptions());
      m.put("publications", n.publications());
      m.put("deliveries", n.deliveries());
      m.put("dropped", n.dropped());
      out.add(m);
    }
    return out;
  }

  private static List<Map<String, Object>> channelList(List<HubFigures.Channel> channels) {
    List<Map<String, Object>> out = new ArrayList<>(channels.size());
    for (HubFigures.Channel c : channels) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("channel", c.channel());
      m.put("subscribers", c.subscribers());
      m.put("publications", c.publications());
      m.put("rate", Math.round(c.rate() * 100) / 100.0); // per second, two decimals
      out.add(m);
    }
    return out;
  }

  /** The engine's link: {@code {"state":"none"}} for a single-node engine. */
  private static Map<String, Object> link(EngineStatus status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", status.link().name().toLowerCase(java.util.Locale.ROOT));
    java.time.Instant since = status.since();
    if (status.link() != EngineStatus.Link.NONE && since != null) {
      m.put("since", since.toString());
      m.put("reconnects", status.reconnects());
    }
    return m;
  }
}
