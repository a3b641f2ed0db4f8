package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The protocol scenario every deployment must pass: the standalone server and the WAR in each
 * container run these same tests against their own base URI.
 */
public abstract class ProtocolScenario {

  /** An absolute http(s) URI for {@code path} ("/health") on the deployment under test. */
  protected abstract URI http(String path);

  /** An absolute ws(s) URI for {@code path} ("/ws"). */
  protected final URI ws(String path) {
    URI h = http(path);
    return URI.create(h.toString().replaceFirst("^http", "ws"));
  }

  protected static String channel(String prefix) {
    return prefix + ":" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aSubscriberReceivesWhatAnotherClientPublishes() {
    String ch = channel("news");
    String data = "{\"text\":\"héllo\",\"n\":[1,2]}";
    try (WsClient sub = WsClient.connect(ws("/ws"));
        WsClient pub = WsClient.connect(ws("/ws"))) {
      assertThat(sub.call(id -> new Command.Subscribe(id, ch))).isEqualTo(ServerMessage.Ok.of(1));
      assertThat(pub.call(id -> new Command.Publish(id, ch, new Payload.Json(data))))
          .isEqualTo(ServerMessage.Ok.of(1));

      assertThat(sub.nextMessage())
          .as("the data arrives as the exact text published")
          .isEqualTo(new ServerMessage.Publication(ch, 0, "", new Payload.Json(data)));

      assertThat(sub.call(id -> new Command.Unsubscribe(id, ch))).isEqualTo(ServerMessage.Ok.of(2));
      assertThat(pub.call(Command.Ping::new)).isEqualTo(ServerMessage.Ok.of(2));
    }
  }

  @Test
  void theSubprotocolIsChosenWhenOfferedAndAClientOfferingNoneIsServedTheSame() {
    try (WsClient offered = WsClient.connect(ws("/ws"));
        WsClient none = WsClient.connect(ws("/ws"), null, null, null)) {
      assertThat(offered.subprotocol()).isEqualTo("switchboard.v1");
      assertThat(none.subprotocol()).isEmpty();
      assertThat(none.call(Command.Ping::new)).isEqualTo(ServerMessage.Ok.of(1));
    }
  }

  @Test
  void theFallbackTransportCarriesTheProtocolOverAnEventStreamAndPosts() {
    String ch = channel("sse");
    try (SseClient sse = SseClient.open(http("/sse")).opened();
        WsClient pub = WsClient.connect(ws("/ws"))) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.session()).hasSize(22);
      assertThat(sse.post("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"" + ch + "\"}").status())
          .isEqualTo(204);
      assertThat(sse.nextNotPing().json().path("id").asLong()).isEqualTo(1);
      pub.ok(id -> new Command.Publish(id, ch, new Payload.Json("\"über\"")));
      SseClient.Event e = sse.nextNotPing();
      assertThat(e.json().path("channel").asText()).isEqualTo(ch);
      assertThat(e.json().path("data").asText()).isEqualTo("über");
      assertThat(sse.post("").status()).as("an empty POST is a pong").isEqualTo(204);
      assertThat(sse.post("{\"id\":2,\"op\":\"ping\"}\n{\"id\":3,\"op\":\"ping\"}").status())
          .isEqualTo(204);
      assertThat(sse.nextNotPing().json().path("id").asLong()).isEqualTo(2);
      assertThat(sse.nextNotPing().json().path("id").asLong()).isEqualTo(3);
    }
    assertThat(Http.post(http("/sse/AAAAAAAAAAAAAAAAAAAAAA"), "text/plain", new byte[0]).status())
        .as("an unknown session")
        .isEqualTo(404);
    assertThat(Http.get(http("/sse"), "Origin", "http://evil.example").status()).isEqualTo(403);
  }

  @Test
  void aBinaryPublishArrivesAsABinaryEnvelope() {
    String ch = channel("bin");
    byte[] payload = new byte[3000];
    new Random(1).nextBytes(payload);
    try (WsClient sub = WsClient.connect(ws("/ws"));
        WsClient pub = WsClient.connect(ws("/ws"))) {
      sub.ok(id -> new Command.Subscribe(id, ch));
      pub.sendBinary(
          CommandEncoder.encodeBinary(new Command.Publish(77, ch, new Payload.Binary(payload))));
      assertThat(pub.reply(77).path("ok").asBoolean()).isTrue();

      assertThat(sub.nextBinaryMessage())
          .isEqualTo(new ServerMessage.Publication(ch, 0, "", new Payload.Binary(payload)));
    }
  }

  @Test
  void anHttpPublishIsDeliveredLikeAClientPublish() {
    String ch = channel("http");
    try (WsClient sub = WsClient.connect(ws("/ws"))) {
      sub.ok(id -> new Command.Subscribe(id, ch));
      Http.Response r =
          Http.postJson(
              http("/api/publish"), "{\"channel\":\"" + ch + "\",\"data\":[true,null,3.5]}");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("ok").asBoolean()).isTrue();
      assertThat(sub.nextText()).isEqualTo("{\"channel\":\"" + ch + "\",\"data\":[true,null,3.5]}");

      Http.Response bad =
          Http.postJson(http("/api/publish"), "{\"channel\":\"no spaces\",\"data\":1}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().path("error").path("code").asInt()).isEqualTo(104);
    }
  }

  @Test
  void echoReturnsTextAndBinaryUnchanged() {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(2).nextBytes(big);
    try (WsClient echo = WsClient.connect(ws("/echo"), null, null, null)) {
      echo.send("hello, echo ✓");
      assertThat(echo.nextText()).isEqualTo("hello, echo ✓");
      echo.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(echo.nextBinary()).containsExactly(1, 2, 3);
      echo.sendBinary(ByteBuffer.wrap(big));
      assertThat(echo.nextBinary()).isEqualTo(big);
    }
  }

  @Test
  void aDisallowedOriginIsRefusedWith403BeforeTheUpgrade() {
    assertThat(WsClient.handshakeStatus(ws("/ws"), "https://evil.example")).isEqualTo(403);
    assertThat(WsClient.handshakeStatus(ws("/echo"), "https://evil.example")).isEqualTo(403);
    assertThat(WsClient.handshakeStatus(ws("/ws"), "http://localhost:3000")).isEqualTo(101);
  }

  @Test
  void aRequestToAWebSocketPathThatIsNoHandshakeIsToldToUpgrade() {
    for (String path : new String[] {"/ws", "/echo"}) {
      Http.Response plain = Http.get(http(path));
      assertThat(plain.status()).as(path).isEqualTo(426);
      assertThat(plain.header("Upgrade")).as(path).isEqualToIgnoringCase("websocket");
      assertThat(WsClient.parse(plain.body()).path("error").path("message").asText())
          .as(path)
          .contains("WebSocket only");
    }
  }

  @Test
  void healthAndReadinessAnswerJson() {
    Http.Response health = Http.get(http("/health"));
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("up");
    assertThat(health.json().path("version").asText())
        .as("the POM's version")
        .isEqualTo(ProjectVersion.fromPom());
    assertThat(health.header("Content-Type")).startsWith("application/json");
    Http.Response ready = Http.get(http("/ready"));
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("ready").asBoolean()).isTrue();
  }

  @Test
  void badCommandsGetErrorRepliesAndTheConnectionStaysOpen() {
    try (WsClient c = WsClient.connect(ws("/ws"))) {
      // Hand-shaped: frames no encoder writes (not JSON, an unknown op, a missing field).
      c.send("{not json");
      WsClient.assertErrorReply(c.nextMessage(), Command.NO_ID, ErrorCode.MALFORMED);
      long id = c.nextId();
      WsClient.assertErrorReply(c.callText("\"op\":\"teleport\""), id, ErrorCode.UNKNOWN_OP);
      WsClient.assertErrorReply(
          c.callText("\"op\":\"publish\",\"channel\":\"a\""), id + 1, ErrorCode.BAD_FIELD);
      c.error(i -> new Command.Subscribe(i, "bad name"), ErrorCode.BAD_CHANNEL);
      assertThat(c.call(Command.Ping::new)).isEqualTo(ServerMessage.Ok.of(id + 3));
    }
  }

  @Test
  void anOversizedMessageClosesWith1009AndOthersKeepBeingServed() {
    try (WsClient big = WsClient.connect(ws("/ws"));
        WsClient other = WsClient.connect(ws("/ws"))) {
      String tooBig = "\"" + "x".repeat(70 * 1024) + "\"";
      big.send(new Command.Publish(Command.NO_ID, "a", new Payload.Json(tooBig)));
      assertThat(big.awaitClose().code()).isEqualTo(1009);
      assertThat(other.call(Command.Ping::new)).isEqualTo(ServerMessage.Ok.of(1));
    }
  }
}
