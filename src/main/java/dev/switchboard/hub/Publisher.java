package dev.switchboard.hub;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.TraceContext;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The one path every publish takes (client, HTTP API, the application's own): the namespace's
 * history options, the broker, the counters and, when tracing is on, the publish span. Thread-safe.
 */
final class Publisher {
  private static final System.Logger LOG = System.getLogger(Publisher.class.getName());

  private final HubOptions options;
  private final Broker broker;
  private final HubMetrics metrics;

  /** Set once tracing is configured (null: none); read on every publish and fan-out. */
  private volatile @Nullable Tracing tracing;

  /** This node's per-namespace and per-channel figures, told of every accepted publication. */
  private final HubFigures figures;

  Publisher(HubOptions options, Broker broker, HubMetrics metrics, HubFigures figures) {
    this.options = options;
    this.broker = broker;
    this.metrics = metrics;
    this.figures = figures;
  }

  void traceWith(Tracing tracing) {
    this.tracing = tracing;
  }

  /** The tracing in use, or null: {@link Deliveries} reads it for each traced publication. */
  @Nullable Tracing tracing() {
    return tracing;
  }

  CompletionStage<PublishResult> publish(
      String channel,
      Payload payload,
      @Nullable String idempotencyKey,
      @Nullable TraceContext trace) {
    Tracing t = tracing;
    Tracing.PublishSpan span = null;
    TraceContext carried = trace;
    if (t != null) {
      try {
        span = t.publish(channel, trace);
        carried = span.context();
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "the publish span failed", e);
      }
    }
    NamespaceOptions ns = options.namespaces().of(channel);
    PublishOptions po =
        new PublishOptions(ns.historySize(), ns.historyTtl(), idempotencyKey, carried);
    CompletionStage<PublishResult> result;
    try {
      result = broker.publish(channel, payload, po);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    if (span != null) {
      Tracing.PublishSpan ending = span;
      result = result.whenComplete((r, failure) -> end(ending, r, failure));
    }
    return result.thenApply(
        r -> {
          if (r.repeated()) {
            metrics.repeatedPublishes.increment();
          } else {
            metrics.publishes.increment();
            figures.published(channel);
          }
          return r;
        });
  }

  private static void end(
      Tracing.PublishSpan span, @Nullable PublishResult r, @Nullable Throwable failure) {
    try {
      span.end(r, failure);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "the publish span failed", e);
    }
  }
}
