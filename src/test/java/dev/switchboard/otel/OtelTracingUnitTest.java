package dev.switchboard.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.hub.Tracing;
import dev.switchboard.protocol.Payload;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link OtelTracing} on an SDK of its own, without a server: parents, attributes, failures. */
class OtelTracingUnitTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final OtelTracing tracing = new OtelTracing(sdk);

  @AfterEach
  void close() {
    sdk.close();
  }

  @Test
  void aPublishWithoutATraceContextIsAChildOfTheCallersSpan() {
    Span outer = sdk.getTracer("app").spanBuilder("checkout").startSpan();
    Tracing.PublishSpan publish;
    try (Scope ignored = outer.makeCurrent()) {
      publish = tracing.publish("orders:1", null);
    }
    publish.end(new PublishResult(7, "e", false), null);
    outer.end();
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getParentSpanId()).isEqualTo(outer.getSpanContext().getSpanId());
    assertThat(span.getAttributes().get(OtelTracing.OFFSET)).isEqualTo(7L);
    assertThat(publish.context().parentId()).isEqualTo(span.getSpanId());
  }

  @Test
  void aPublishTheEngineRefusedEndsWithAnErrorAndADeliverCountsItsSubscribers() {
    Tracing.PublishSpan publish = tracing.publish("c", null);
    publish.end(null, new IllegalStateException("redis is down"));
    tracing.fanOut(new Publication("c", new Payload.Json("1"), 0, "", publish.context())).end(3);
    List<SpanData> done = spans.getFinishedSpanItems();
    assertThat(done.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(done.get(0).getEvents()).extracting(e -> e.getName()).contains("exception");
    assertThat(done.get(1).getName()).isEqualTo("deliver");
    assertThat(done.get(1).getParentSpanId()).isEqualTo(done.get(0).getSpanId());
    assertThat(done.get(1).getAttributes().get(OtelTracing.DELIVERIES)).isEqualTo(3L);
  }
}
