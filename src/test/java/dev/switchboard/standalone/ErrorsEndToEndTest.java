package dev.switchboard.standalone;

import static dev.switchboard.testing.WsClient.assertErrorReply;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.http.ApiKey;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every refusal in docs/PROTOCOL.md over a real socket: its code, and its count in the stats. */
class ErrorsEndToEndTest {
  private static final String KEY = "s3cret-key";
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server =
        TestServers.start(
            Map.of(
                "hub.max-subscriptions", "2",
                "api.keys", ApiKey.forConfig("test", KEY, ApiKey.Scope.ADMIN),
                "http.max-body-size", "1KiB",
                "ws.ping-interval", "1s"));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  private static URI uri(String path) {
    return server.httpUri().resolve(path);
  }

  private static JsonNode stats() {
    return Http.get(uri("/api/stats"), "Authorization", "Bearer " + KEY).json();
  }

  /** The error code of an HTTP API reply. */
  private static int code(JsonNode reply) {
    return reply.path("error").path("code").asInt();
  }

  @Test
  void everyCommandErrorIsRepliedAndCountedAndTheConnectionStaysOpen() {
    JsonNode before = stats().path("errors");
    try (WsClient c = WsClient.connect(server.wsUri().resolve("/ws"))) {
      // Hand-shaped: frames no encoder writes (not an object, an unknown op, a mistyped field).
      c.send("[1,2,3]");
      assertErrorReply(c.nextMessage(), Command.NO_ID, ErrorCode.MALFORMED);
      long id = c.nextId();
      assertErrorReply(c.callText("\"op\":\"jump\""), id, ErrorCode.UNKNOWN_OP);
      assertErrorReply(
          c.callText("\"op\":\"subscribe\",\"channel\":false"), id + 1, ErrorCode.BAD_FIELD);

      c.error(i -> new Command.Subscribe(i, "x".repeat(129)), ErrorCode.BAD_CHANNEL);
      assertThat(c.call(i -> new Command.Subscribe(i, "one"))).isEqualTo(Ok.of(id + 3));
      c.error(i -> new Command.Subscribe(i, "one"), ErrorCode.ALREADY_SUBSCRIBED);
      assertThat(c.call(i -> new Command.Subscribe(i, "two"))).isEqualTo(Ok.of(id + 5));
      c.error(i -> new Command.Subscribe(i, "three"), ErrorCode.SUBSCRIPTION_LIMIT);
      c.error(i -> new Command.Unsubscribe(i, "zero"), ErrorCode.NOT_SUBSCRIBED);
      assertThat(c.call(Command.Ping::new)).isEqualTo(Ok.of(id + 8));
    }
    JsonNode after = stats().path("errors");
    for (String label :
        new String[] {
          "malformed",
          "unknown_op",
          "bad_field",
          "bad_channel",
          "already_subscribed",
          "subscription_limit",
          "not_subscribed"
        }) {
      assertThat(after.path(label).asLong() - before.path(label).asLong()).as(label).isEqualTo(1);
    }
  }

  @Test
  void theHttpApiRefusesBadRequestsWithStatusAndJsonError() {
    String auth = "Bearer " + KEY;
    Http.Response noKey = Http.postJson(uri("/api/publish"), "{\"channel\":\"a\",\"data\":1}");
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(code(noKey.json())).isEqualTo(110);
    assertThat(
            Http.postJson(
                    uri("/api/publish"),
                    "{\"channel\":\"a\",\"data\":1}",
                    "Authorization",
                    "Bearer wrong")
                .status())
        .isEqualTo(401);

    Http.Response ok =
        Http.postJson(uri("/api/publish"), "{\"channel\":\"a\",\"data\":1}", "Authorization", auth);
    assertThat(ok.status()).isEqualTo(200);

    Http.Response badJson =
        Http.postJson(uri("/api/publish"), "{\"channel\":", "Authorization", auth);
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(code(badJson.json())).isEqualTo(101);
    Http.Response missing =
        Http.postJson(uri("/api/publish"), "{\"channel\":\"a\"}", "Authorization", auth);
    assertThat(missing.status()).isEqualTo(400);
    assertThat(code(missing.json())).isEqualTo(103);
    Http.Response badChannel =
        Http.postJson(
            uri("/api/publish"), "{\"channel\":\"a b\",\"data\":1}", "Authorization", auth);
    assertThat(badChannel.status()).isEqualTo(400);
    assertThat(code(badChannel.json())).isEqualTo(104);
    Http.Response tooBig =
        Http.postJson(
            uri("/api/publish"),
            "{\"channel\":\"a\",\"data\":\"" + "x".repeat(2000) + "\"}",
            "Authorization",
            auth);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(code(tooBig.json())).isEqualTo(105);
    Http.Response wrongType =
        Http.post(
            uri("/api/publish"),
            "text/plain",
            "hi".getBytes(StandardCharsets.UTF_8),
            "Authorization",
            auth);
    assertThat(wrongType.status()).isEqualTo(415);
    assertThat(Http.get(uri("/api/publish"), "Authorization", auth).status()).isEqualTo(405);
    assertThat(Http.get(uri("/api/nothing"), "Authorization", auth).status()).isEqualTo(404);
  }

  @Test
  void binaryCanBePublishedOverHttpToo() {
    try (WsClient sub = WsClient.connect(server.wsUri().resolve("/ws"))) {
      sub.ok(id -> new Command.Subscribe(id, "raw"));
      Http.Response r =
          Http.post(
              uri("/api/publish?channel=raw"),
              "application/octet-stream",
              new byte[] {5, 6},
              "Authorization",
              "Bearer " + KEY);
      assertThat(r.status()).isEqualTo(200);
      assertThat(sub.nextBinary()).containsExactly(2, 0, 3, 'r', 'a', 'w', 5, 6);
    }
  }
}
