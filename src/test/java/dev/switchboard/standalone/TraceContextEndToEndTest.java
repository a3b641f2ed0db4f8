package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.TraceContext;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trace contexts on the real standalone server without any tracing system: carried unchanged from
 * the WebSocket {@code trace} field and the HTTP {@code traceparent} header to the subscriptions
 * that asked, live, by pattern and on recovery; the others get the publication as before.
 */
class TraceContextEndToEndTest {
  private static final TraceContext TRACE =
      TraceContext.parse(
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE");
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server =
        TestServers.start(
            Map.of(
                "namespace.tr.history.size", "100",
                "namespace.tr.history.ttl", "10m",
                "tracing", "off"));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  private static URI ws() {
    return server.wsUri().resolve("/ws");
  }

  private static URI publishUri(String query) {
    return server.httpUri().resolve("/api/publish" + query);
  }

  private static Payload json(String text) {
    return new Payload.Json(text);
  }

  @Test
  void aWebSocketPublishsTraceReachesOnlyTheSubscriptionsThatAskedForIt() {
    try (WsClient tracing = WsClient.connect(ws());
        WsClient plain = WsClient.connect(ws());
        WsClient byPattern = WsClient.connect(ws());
        WsClient publisher = WsClient.connect(ws())) {
      tracing.ok(id -> new Command.Subscribe(id, "news", null, null, true));
      plain.ok(id -> new Command.Subscribe(id, "news"));
      byPattern.ok(id -> new Command.Subscribe(id, "*", null, null, true));

      publisher.ok(id -> new Command.Publish(id, "news", json("{\"a\":1}"), null, TRACE));
      publisher.ok(id -> new Command.Publish(id, "news", json("2")));

      assertThat(tracing.nextMessage())
          .isEqualTo(new ServerMessage.Publication("news", 0, "", json("{\"a\":1}"), TRACE));
      assertThat(byPattern.nextMessage())
          .isEqualTo(new ServerMessage.Publication("news", 0, "", json("{\"a\":1}"), TRACE));
      assertThat(plain.nextText()).isEqualTo("{\"channel\":\"news\",\"data\":{\"a\":1}}");
      // A publication without a trace arrives without one, also where traces were asked for.
      assertThat(tracing.nextText()).isEqualTo("{\"channel\":\"news\",\"data\":2}");
      assertThat(plain.nextText()).isEqualTo("{\"channel\":\"news\",\"data\":2}");
    }
  }

  @Test
  void anHttpTraceparentHeaderTravelsWithJsonAndBinaryPublicationsAndAnInvalidOneIsIgnored() {
    try (WsClient tracing = WsClient.connect(ws())) {
      tracing.ok(id -> new Command.Subscribe(id, "tr:http", null, null, true));

      Http.Response json =
          Http.postJson(
              publishUri(""),
              "{\"channel\":\"tr:http\",\"data\":\"j\"}",
              "traceparent",
              TRACE.traceparent(),
              "tracestate",
              TRACE.tracestate());
      assertThat(json.status()).isEqualTo(200);
      ServerMessage.Publication first = (ServerMessage.Publication) tracing.nextMessage();
      assertThat(first.trace()).isEqualTo(TRACE);
      assertThat(first.payload()).isEqualTo(json("\"j\""));

      Http.Response binary =
          Http.post(
              publishUri("?channel=tr:http"),
              "application/octet-stream",
              new byte[] {1, 2, 3},
              "traceparent",
              TRACE.traceparent());
      assertThat(binary.status()).isEqualTo(200);
      ServerMessage.Publication second = (ServerMessage.Publication) tracing.nextBinaryMessage();
      assertThat(second.trace()).isEqualTo(TraceContext.parse(TRACE.traceparent(), null));
      assertThat(second.payload()).isEqualTo(new Payload.Binary(new byte[] {1, 2, 3}));

      // The W3C rule: a receiver ignores an invalid traceparent; the publish itself goes on.
      long ignored = server.assembly().hub().metrics().ignoredTraceHeaders();
      Http.Response invalid =
          Http.postJson(
              publishUri(""),
              "{\"channel\":\"tr:http\",\"data\":\"k\"}",
              "traceparent",
              "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
      assertThat(invalid.status()).isEqualTo(200);
      ServerMessage.Publication third = (ServerMessage.Publication) tracing.nextMessage();
      assertThat(third.trace()).isNull();
      assertThat(third.payload()).isEqualTo(json("\"k\""));
      assertThat(server.assembly().hub().metrics().ignoredTraceHeaders()).isEqualTo(ignored + 1);
      assertThat(
              Http.get(server.httpUri().resolve("/api/stats"))
                  .json()
                  .get("ignored_trace_headers")
                  .asLong())
          .isEqualTo(ignored + 1);
    }
  }

  @Test
  void aRecoveringSubscriptionThatAsksForTracesGetsThemWithTheBacklog() {
    String channel = "tr:recover";
    ServerMessage.Position start;
    try (WsClient publisher = WsClient.connect(ws())) {
      start = publisher.ok(id -> new Command.Subscribe(id, channel)).position();
      publisher.ok(id -> new Command.Publish(id, channel, json("1"), null, TRACE));
      publisher.ok(id -> new Command.Publish(id, channel, json("2")));
      try (WsClient back = WsClient.connect(ws())) {
        Command.Since since = new Command.Since(start.offset(), start.epoch());
        ServerMessage.Ok reply =
            back.ok(id -> new Command.Subscribe(id, channel, since, null, true));
        assertThat(reply.recovery()).isEqualTo(new ServerMessage.Recovery(true, null));
        assertThat(back.nextMessage())
            .isEqualTo(
                new ServerMessage.Publication(
                    channel, start.offset() + 1, start.epoch(), json("1"), TRACE));
        assertThat(back.nextMessage())
            .isEqualTo(
                new ServerMessage.Publication(
                    channel, start.offset() + 2, start.epoch(), json("2"), null));
      }
    }
  }

  @Test
  void anInvalidTraceOnAWebSocketPublishIsRefusedWith103AndNothingIsPublished() {
    try (WsClient subscriber = WsClient.connect(ws());
        WsClient publisher = WsClient.connect(ws())) {
      subscriber.ok(id -> new Command.Subscribe(id, "refused", null, null, true));
      ServerMessage reply =
          publisher.callText(
              "\"op\":\"publish\",\"channel\":\"refused\",\"data\":1,"
                  + "\"trace\":{\"traceparent\":\"00-abc\"}");
      ServerMessage.ErrorReply error =
          WsClient.assertErrorReply(reply, publisher.nextId() - 1, ErrorCode.BAD_FIELD);
      assertThat(error.message()).contains("traceparent");
      publisher.ok(id -> new Command.Publish(id, "refused", json("\"after\"")));
      assertThat(subscriber.nextText()).isEqualTo("{\"channel\":\"refused\",\"data\":\"after\"}");
    }
  }
}
