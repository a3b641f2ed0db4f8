package dev.switchboard.otel;

import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.hub.Tracing;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.TraceContext;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link Tracing} on the OpenTelemetry API: a {@code publish} span (kind PRODUCER) for every
 * publish on this node, child of the publisher's trace context when it sent one, and a {@code
 * deliver} span (kind CONSUMER) once per publication per node when it reaches the fan-out, child of
 * the context the publication carries, with the number of subscribers it was queued for. The
 * publication carries the publish span's context, so subscribers (and the fan-out spans on every
 * node) see it as their parent.
 *
 * <p>A publish without a trace context is a child of the caller's current context: an application
 * that publishes through {@code Channels} inside its own span gets the publish span under it (on
 * the server's own threads that is the root: a new trace).
 *
 * <p>Attributes: {@code messaging.system=switchboard}, {@code messaging.destination.name} (the
 * channel), {@code messaging.operation.name} ({@code publish} / {@code deliver}), {@code
 * messaging.operation.type} ({@code send} / {@code process}); on {@code publish} also {@code
 * switchboard.offset} in channels with history, on {@code deliver} {@code switchboard.deliveries}.
 * Span names carry no channel, so their number stays fixed.
 *
 * <p>Thread-safe: OpenTelemetry's tracers are.
 */
public final class OtelTracing implements Tracing {
  /** The instrumentation scope the spans are reported under. */
  public static final String SCOPE = "dev.switchboard";

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("switchboard.offset");
  static final AttributeKey<Long> DELIVERIES = AttributeKey.longKey("switchboard.deliveries");

  private static final TextMapGetter<TraceContext> GETTER =
      new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable TraceContext carrier, String key) {
          if (carrier == null) {
            return null;
          }
          return switch (key) {
            case "traceparent" -> carrier.traceparent();
            case "tracestate" -> carrier.tracestate();
            default -> null;
          };
        }
      };

  private static final TextMapSetter<Map<String, String>> SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.put(key, value);
        }
      };

  private static final System.Logger LOG = System.getLogger(OtelTracing.class.getName());

  /** The OpenTelemetry API version Switchboard is compiled and tested against. */
  private static final String BUILT_WITH = "opentelemetry-api 1.68.0";

  /** A valid W3C parent (the specification's example) for {@link #probe()}. */
  private static final String PROBE_PARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private final Tracer tracer;

  /** W3C Trace Context, whatever the application's own propagators: that is what is carried. */
  private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

  public OtelTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(SCOPE);
  }

  /**
   * The tracing that the {@code tracing} setting asks for, or null for none.
   *
   * @param mode {@code auto}: the global OpenTelemetry only when one is registered (so a server
   *     without one never registers the no-op as global behind an application's back); {@code on}:
   *     {@link GlobalOpenTelemetry#get()}; {@code off}: none
   */
  public static @Nullable Tracing forMode(String mode) {
    if (!mode.equals("on") && !mode.equals("auto")) {
      return null;
    }
    try {
      if (mode.equals("auto") && !GlobalOpenTelemetry.isSet()) {
        return null;
      }
      probe();
      return new OtelTracing(GlobalOpenTelemetry.get());
    } catch (LinkageError e) {
      // A server that provides its own, older OpenTelemetry API to applications (Payara does)
      // shadows the copy Switchboard bundles: a missing method would otherwise fail the
      // deployment here, or every publish later.
      LOG.log(
          Level.WARNING,
          "tracing is off: the OpenTelemetry API visible to Switchboard lacks what it needs ("
              + e
              + "); it was built with "
              + BUILT_WITH
              + ". Trace contexts are still carried to subscribers.");
      return null;
    }
  }

  /**
   * Runs both span paths once on the no-op OpenTelemetry, which reports nothing, so that an API
   * that lacks a method fails here, at start, rather than on a publish.
   */
  private static void probe() {
    OtelTracing noop = new OtelTracing(OpenTelemetry.noop());
    TraceContext trace = TraceContext.parse(PROBE_PARENT, null);
    noop.publish("probe", trace).end(null, null);
    noop.fanOut(new Publication("probe", new Payload.Json("0"), 0, "", trace)).end(0);
  }

  @Override
  public PublishSpan publish(String channel, @Nullable TraceContext incoming) {
    Span span =
        tracer
            .spanBuilder("publish")
            .setParent(incoming == null ? Context.current() : parent(incoming))
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(SYSTEM, "switchboard")
            .setAttribute(DESTINATION, channel)
            .setAttribute(OPERATION, "publish")
            .setAttribute(OPERATION_TYPE, "send")
            .startSpan();
    TraceContext carried = carried(span, incoming);
    return new PublishSpan() {
      @Override
      public @Nullable TraceContext context() {
        return carried;
      }

      @Override
      public void end(@Nullable PublishResult result, @Nullable Throwable failure) {
        if (failure != null) {
          Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
          span.recordException(cause);
          span.setStatus(StatusCode.ERROR, "the engine did not accept the publication");
        } else if (result != null && result.offset() > 0) {
          span.setAttribute(OFFSET, result.offset());
        }
        span.end();
      }
    };
  }

  @Override
  public FanOutSpan fanOut(Publication publication) {
    Span span =
        tracer
            .spanBuilder("deliver")
            .setParent(parent(publication.trace()))
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(SYSTEM, "switchboard")
            .setAttribute(DESTINATION, publication.channel())
            .setAttribute(OPERATION, "deliver")
            .setAttribute(OPERATION_TYPE, "process")
            .startSpan();
    return deliveries -> {
      span.setAttribute(DELIVERIES, (long) deliveries);
      span.end();
    };
  }

  /** The context a trace context names, or the root (a new trace) without one. */
  private Context parent(@Nullable TraceContext trace) {
    return trace == null ? Context.root() : propagator.extract(Context.root(), trace, GETTER);
  }

  /**
   * The publish span's context as the publication carries it; {@code incoming} when the span has no
   * valid context (a no-op OpenTelemetry), so a trace is never lost by tracing.
   */
  private @Nullable TraceContext carried(Span span, @Nullable TraceContext incoming) {
    if (!span.getSpanContext().isValid()) {
      return incoming;
    }
    Map<String, String> headers = new HashMap<>(4);
    propagator.inject(Context.root().with(span), headers, SETTER);
    String traceparent = headers.get("traceparent");
    if (traceparent == null) {
      return incoming;
    }
    try {
      return TraceContext.parse(traceparent, headers.get("tracestate"));
    } catch (IllegalArgumentException e) {
      return incoming; // an over-long tracestate from the application's SDK
    }
  }
}
