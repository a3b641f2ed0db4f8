package dev.switchboard.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.TraceContext;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans on real standalone servers with an OpenTelemetry SDK registered as the global one, the way
 * an application or an agent registers it: a publish span, child of the publisher's trace context,
 * whose context the publication carries to the subscribers and to one deliver span per node, also
 * across two nodes on Redis.
 */
class OtelTracingTest {
  private static final TraceContext INCOMING =
      TraceContext.parse(
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;

  @BeforeEach
  void registerSdk() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    GlobalOpenTelemetry.resetForTest();
    GlobalOpenTelemetry.set(sdk);
  }

  @AfterEach
  void unregisterSdk() {
    GlobalOpenTelemetry.resetForTest();
    sdk.close();
  }

  private static URI ws(StandaloneServer s) {
    return s.wsUri().resolve("/ws");
  }

  private List<SpanData> awaitSpans(int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spans.getFinishedSpanItems().size() >= count);
    return spans.getFinishedSpanItems();
  }

  private static SpanData named(List<SpanData> all, String name) {
    List<SpanData> found = all.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(found).as(name).hasSize(1);
    return found.get(0);
  }

  @Test
  void aPublishSpanChildOfTheHttpTraceparentIsWhatTheSubscribersAndTheDeliverSpanSee() {
    try (StandaloneServer server = TestServers.start(Map.of("tracing", "auto"));
        WsClient tracing = WsClient.connect(ws(server));
        WsClient plain = WsClient.connect(ws(server))) {
      tracing.ok(id -> new Command.Subscribe(id, "orders:1", null, null, true));
      plain.ok(id -> new Command.Subscribe(id, "orders:1"));

      Http.Response r =
          Http.postJson(
              server.httpUri().resolve("/api/publish"),
              "{\"channel\":\"orders:1\",\"data\":{\"paid\":true}}",
              "traceparent",
              INCOMING.traceparent(),
              "tracestate",
              INCOMING.tracestate());
      assertThat(r.status()).isEqualTo(200);

      ServerMessage.Publication got = (ServerMessage.Publication) tracing.nextMessage();
      assertThat(plain.nextText()).isEqualTo("{\"channel\":\"orders:1\",\"data\":{\"paid\":true}}");
      List<SpanData> all = awaitSpans(2);
      SpanData publish = named(all, "publish");
      SpanData deliver = named(all, "deliver");

      assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
      assertThat(publish.getTraceId()).isEqualTo(INCOMING.traceId());
      assertThat(publish.getParentSpanId()).isEqualTo(INCOMING.parentId());
      assertThat(publish.getAttributes().get(OtelTracing.DESTINATION)).isEqualTo("orders:1");
      assertThat(publish.getAttributes().get(OtelTracing.SYSTEM)).isEqualTo("switchboard");

      // The subscriber sees the publish span as the parent, in the publisher's trace.
      assertThat(got.trace().traceId()).isEqualTo(INCOMING.traceId());
      assertThat(got.trace().parentId()).isEqualTo(publish.getSpanId());
      assertThat(got.trace().tracestate()).isEqualTo(INCOMING.tracestate());
      assertThat(got.trace().sampled()).isTrue();

      assertThat(deliver.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(deliver.getTraceId()).isEqualTo(INCOMING.traceId());
      assertThat(deliver.getParentSpanId()).isEqualTo(publish.getSpanId());
      assertThat(deliver.getAttributes().get(OtelTracing.DELIVERIES)).isEqualTo(2L);
    }
  }

  @Test
  void aPublishOnOneRedisNodeReachesASubscriberOnTheOtherInItsTraceWithADeliverSpanThere() {
    String prefix = Redis.freshPrefix();
    Map<String, String> settings = new HashMap<>(Redis.clusterSettings(Redis.URI, prefix));
    settings.put("tracing", "on");
    try (StandaloneServer a = TestServers.start(settings);
        StandaloneServer b = TestServers.start(settings);
        WsClient onB = WsClient.connect(ws(b));
        WsClient onA = WsClient.connect(ws(a))) {
      onB.ok(id -> new Command.Subscribe(id, "feed", null, null, true));
      // A publish without a trace context starts a new trace at the publish span.
      onA.ok(id -> new Command.Publish(id, "feed", new Payload.Json("1")));

      ServerMessage.Publication got = (ServerMessage.Publication) onB.nextMessage();
      List<SpanData> all = awaitSpans(2);
      SpanData publish = named(all, "publish");
      SpanData deliver = named(all, "deliver"); // on node b only: a has no subscriber of feed
      assertThat(publish.getParentSpanContext().isValid()).isFalse();
      assertThat(got.trace().traceId()).isEqualTo(publish.getTraceId());
      assertThat(got.trace().parentId()).isEqualTo(publish.getSpanId());
      assertThat(deliver.getParentSpanId()).isEqualTo(publish.getSpanId());
      assertThat(deliver.getAttributes().get(OtelTracing.DELIVERIES)).isEqualTo(1L);
    } finally {
      Redis.deleteAll(Redis.URI, prefix);
    }
  }

  @Test
  void withTracingOffNoSpanIsMadeAndTheTraceIsCarriedUnchanged() {
    try (StandaloneServer server = TestServers.start(Map.of("tracing", "off"));
        WsClient client = WsClient.connect(ws(server))) {
      client.ok(id -> new Command.Subscribe(id, "quiet", null, null, true));
      client.ok(id -> new Command.Publish(id, "quiet", new Payload.Json("1"), null, INCOMING));
      assertThat(((ServerMessage.Publication) client.nextMessage()).trace()).isEqualTo(INCOMING);
      client.ok(Command.Ping::new); // the fan-out of that publication is over
      assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
  }
}
