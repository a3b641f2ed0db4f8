package dev.switchboard.hub;

import dev.switchboard.protocol.ErrorCode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of everything the hub accepts, delivers, refuses or drops. Nothing is refused or dropped
 * without being counted here. Thread-safe; counting never blocks.
 */
public final class HubMetrics {
  final LongAdder connectionsOpened = new LongAdder();
  final LongAdder connectionsClosed = new LongAdder();
  final LongAdder commands = new LongAdder();
  final LongAdder publishes = new LongAdder();
  final LongAdder repeatedPublishes = new LongAdder();
  private final LongAdder recovered = new LongAdder();
  private final LongAdder notRecovered = new LongAdder();
  final LongAdder deliveries = new LongAdder();
  final LongAdder droppedFrames = new LongAdder();
  private final Map<HandshakeResult, LongAdder> refusals = new EnumMap<>(HandshakeResult.class);

  /** Echo connections ever opened (their handshakes were accepted). */
  private final LongAdder plainOpened = new LongAdder();

  /** Subscriptions on this node, by channel and by pattern: up on add, down on remove. */
  final LongAdder subscriptions = new LongAdder();

  /**
   * Each publication's time from the broker's hand-off to this node to the end of the fan-out round
   * that queued it for every local subscriber and started their flushes (see {@link Deliveries}).
   */
  final LatencyHistogram deliveryLatency = new LatencyHistogram();

  /**
   * Whether {@link #deliveryLatency} is recorded: off until something will read it ({@link
   * #measureDeliveryLatency}), so a server without metrics reads no clock per publication.
   * Volatile: set once by the thread that binds the metrics, read on the broker's threads.
   */
  private volatile boolean latencyMeasured;

  /** Open connections that speak no hub protocol (echo): up when opened, down when gone. */
  final LongAdder plainConnections = new LongAdder();

  /** Open sessions of the fallback transport (SSE), a part of the hub's connections. */
  private final LongAdder sseConnections = new LongAdder();

  /** Application decisions and event listeners that threw. */
  final LongAdder hookFailures = new LongAdder();

  /** Publications the application rewrote to something that could not be published. */
  final LongAdder invalidRewrites = new LongAdder();

  /** Events an application's listener could not take (its queue was full). */
  private final LongAdder droppedEvents = new LongAdder();

  /** Invalid {@code traceparent} / {@code tracestate} HTTP headers, ignored as W3C requires. */
  private final LongAdder ignoredTraceHeaders = new LongAdder();

  private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
  private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();

  HubMetrics() {
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, new LongAdder());
    }
    for (HandshakeResult r : HandshakeResult.values()) {
      if (r != HandshakeResult.ACCEPTED) {
        refusals.put(r, new LongAdder());
      }
    }
  }

  /** Counts an error reply (or an HTTP API refusal) with {@code code}. */
  public void error(ErrorCode code) {
    Objects.requireNonNull(errors.get(code), "every code has a counter").increment();
  }

  /**
   * Counts an invalid {@code traceparent} or {@code tracestate} header of an HTTP publish: ignored
   * (the publish goes on), as the W3C Trace Context specification tells a receiver.
   */
  public void ignoredTraceHeader() {
    ignoredTraceHeaders.increment();
  }

  public long ignoredTraceHeaders() {
    return ignoredTraceHeaders.sum();
  }

  /** Counts a subscribe with {@code since} by its outcome. */
  void recovery(boolean succeeded) {
    (succeeded ? recovered : notRecovered).increment();
  }

  public long recoveries(boolean succeeded) {
    return (succeeded ? recovered : notRecovered).sum();
  }

  /**
   * Counts a WebSocket handshake refused before the upgrade, by why.
   *
   * @throws IllegalArgumentException for {@link HandshakeResult#ACCEPTED}: accepted handshakes are
   *     the connections opened, counted by the hub
   */
  public void handshakeRefused(HandshakeResult why) {
    LongAdder a = refusals.get(why);
    if (a == null) {
      throw new IllegalArgumentException("not a refusal: " + why);
    }
    a.increment();
  }

  /** Handshakes that ended with {@code result}; accepted ones are the connections opened. */
  public long handshakes(HandshakeResult result) {
    LongAdder a = refusals.get(result);
    return a != null ? a.sum() : connectionsOpened.sum() + plainOpened.sum();
  }

  /** Handshakes refused before the upgrade, whatever the reason. */
  public long handshakesRefused() {
    long total = 0;
    for (LongAdder a : refusals.values()) {
      total += a.sum();
    }
    return total;
  }

  /** A fallback (SSE) session opened; its connection is counted as the hub's too. */
  public void sseOpened() {
    sseConnections.increment();
  }

  /** A fallback (SSE) session ended. */
  public void sseClosed() {
    sseConnections.decrement();
  }

  /** Open fallback (SSE) sessions, a part of {@code Hub.connectionCount()}. */
  public long sseSessions() {
    return sseConnections.sum();
  }

  /** An echo connection opened. */
  void plainOpened() {
    plainOpened.increment();
    plainConnections.increment();
  }

  /** Subscriptions on this node now, by channel and by pattern. */
  public long subscriptions() {
    return subscriptions.sum();
  }

  /** Starts recording {@link #deliveryLatency()} for publications that reach the node from now. */
  public void measureDeliveryLatency() {
    latencyMeasured = true;
  }

  boolean latencyMeasured() {
    return latencyMeasured;
  }

  /** Publications' times from reaching this node to being flushed to its subscribers. */
  public LatencyHistogram deliveryLatency() {
    return deliveryLatency;
  }

  /** Counts a close the server initiated with {@code code}. */
  public void close(int code) {
    closes.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  public long errors(ErrorCode code) {
    return Objects.requireNonNull(errors.get(code), "every code has a counter").sum();
  }

  public long closes(int code) {
    LongAdder a = closes.get(code);
    return a == null ? 0 : a.sum();
  }

  /** Closes the server initiated with a code not in {@code codes} (e.g. an application's own). */
  public long closesExcept(java.util.Set<Integer> codes) {
    long total = 0;
    for (Map.Entry<Integer, LongAdder> e : closes.entrySet()) {
      if (!codes.contains(e.getKey())) {
        total += e.getValue().sum();
      }
    }
    return total;
  }

  /** Application decisions and event listeners that threw. */
  public long hookFailures() {
    return hookFailures.sum();
  }

  /** Publications the application rewrote to a payload that could not be published. */
  public long invalidRewrites() {
    return invalidRewrites.sum();
  }

  /** An application's event listener dropped an event (the CDI integration's queue was full). */
  public void eventDropped() {
    droppedEvents.increment();
  }

  /** Events application listeners dropped. */
  public long droppedEvents() {
    return droppedEvents.sum();
  }

  /** Open connections that speak no hub protocol (the echo endpoint). */
  public long plainConnections() {
    return plainConnections.sum();
  }

  public long connectionsOpened() {
    return connectionsOpened.sum();
  }

  public long connectionsClosed() {
    return connectionsClosed.sum();
  }

  public long publishes() {
    return publishes.sum();
  }

  public long deliveries() {
    return deliveries.sum();
  }

  public long droppedFrames() {
    return droppedFrames.sum();
  }

  /** A point-in-time copy for the stats endpoint, with stable key names. */
  public Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections_opened", connectionsOpened.sum());
    m.put("connections_closed", connectionsClosed.sum());
    m.put("commands", commands.sum());
    m.put("publishes", publishes.sum());
    m.put("repeated_publishes", repeatedPublishes.sum());
    m.put("recoveries", recovered.sum());
    m.put("failed_recoveries", notRecovered.sum());
    m.put("deliveries", deliveries.sum());
    m.put("dropped_frames", droppedFrames.sum());
    m.put("handshakes_refused", handshakesRefused());
    m.put("hook_failures", hookFailures.sum());
    m.put("invalid_rewrites", invalidRewrites.sum());
    m.put("dropped_events", droppedEvents.sum());
    m.put("ignored_trace_headers", ignoredTraceHeaders.sum());
    Map<String, Long> e = new LinkedHashMap<>();
    errors.forEach((code, n) -> e.put(code.label(), n.sum()));
    m.put("errors", e);
    Map<String, Long> c = new LinkedHashMap<>();
    closes.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(en -> c.put(String.valueOf(en.getKey()), en.getValue().sum()));
    m.put("closes", c);
    return m;
  }
}
