package dev.switchboard.hub;

import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.TraceContext;
import org.jspecify.annotations.Nullable;

/**
 * Where the hub reports publishes and fan-outs to a tracing system, for instance OpenTelemetry
 * ({@code dev.switchboard.otel}). A hub without one ({@link Hub#traceWith} never called) carries
 * the publishers' trace contexts as they are and reports nothing: the publish path costs a null
 * check and the fan-out path none.
 *
 * <p>Threading contract: every method may be called from any thread, concurrently, and must not
 * block; an implementation that throws loses only its span (the hub logs nothing per publication
 * and goes on).
 */
public interface Tracing {
  /**
   * A publish begins: called before the publication is handed to the broker.
   *
   * @param channel where it is published
   * @param incoming the publisher's trace context (a WebSocket {@code trace}, an HTTP {@code
   *     traceparent}), or null
   * @return the span of this publish, whose {@link PublishSpan#context} the publication carries
   */
  PublishSpan publish(String channel, @Nullable TraceContext incoming);

  /**
   * A publication that carries a trace context reaches this node's fan-out: called once per
   * publication per node (never per subscriber), on the channel's fan-out lane, before it is queued
   * for the subscribers.
   */
  FanOutSpan fanOut(Publication publication);

  /** One publish being traced. */
  interface PublishSpan {
    /** The trace context the publication carries to every node: this span's, or the incoming. */
    @Nullable TraceContext context();

    /**
     * The broker accepted the publish ({@code result}) or did not ({@code failure}); called once.
     */
    void end(@Nullable PublishResult result, @Nullable Throwable failure);
  }

  /** One publication's fan-out on this node being traced. */
  interface FanOutSpan {
    /**
     * The publication was queued for {@code deliveries} subscribers of this node; called once, on
     * the fan-out lane.
     */
    void end(int deliveries);
  }
}
