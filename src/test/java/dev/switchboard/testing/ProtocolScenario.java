package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.BinaryEnvelope;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    try (WsClient sub = WsClient.connect(ws("/ws"));
        WsClient pub = WsClient.connect(ws("/ws"))) {
      assertThat(
              sub.request("\"op\":\"subscribe\",\"channel\":\"" + ch + "\"").path("ok").asBoolean())
          .isTrue();
      JsonNode reply =
          pub.request(
              "\"op\":\"publish\",\"channel\":\""
                  + ch
                  + "\",\"data\":{\"text\":\"héllo\",\"n\":[1,2]}");
      assertThat(reply.path("ok").asBoolean()).isTrue();

      JsonNode push = sub.nextJson();
      assertThat(push.path("channel").asText()).isEqualTo(ch);
      assertThat(push.path("data").path("text").asText()).isEqualTo("héllo");
      assertThat(push.path("data").path("n").get(1).asInt()).isEqualTo(2);

      assertThat(
              sub.request("\"op\":\"unsubscribe\",\"channel\":\"" + ch + "\"")
                  .path("ok")
                  .asBoolean())
          .isTrue();
      assertThat(pub.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void theSubprotocolIsChosenWhenOfferedAndAClientOfferingNoneIsServedTheSame() {
    try (WsClient offered = WsClient.connect(ws("/ws"));
        WsClient none = WsClient.connect(ws("/ws"), null, null, null)) {
      assertThat(offered.subprotocol()).isEqualTo("switchboard.v1");
      assertThat(none.subprotocol()).isEmpty();
      assertThat(none.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void aBinaryPublishArrivesAsABinaryEnvelope() {
    String ch = channel("bin");
    byte[] payload = new byte[3000];
    new Random(1).nextBytes(payload);
    try (WsClient sub = WsClient.connect(ws("/ws"));
        WsClient pub = WsClient.connect(ws("/ws"))) {
      sub.request("\"op\":\"subscribe\",\"channel\":\"" + ch + "\"");
      pub.sendBinary(BinaryEnvelope.encodePublish(77, ch, payload));
      assertThat(pub.reply(77).path("ok").asBoolean()).isTrue();

      ByteBuffer frame = ByteBuffer.wrap(sub.nextBinary());
      assertThat(frame.get()).isEqualTo(BinaryEnvelope.KIND_PUBLICATION);
      frame.get(); // flags
      byte[] name = new byte[frame.get()];
      frame.get(name);
      assertThat(new String(name, StandardCharsets.US_ASCII)).isEqualTo(ch);
      byte[] received = new byte[frame.remaining()];
      frame.get(received);
      assertThat(received).isEqualTo(payload);
    }
  }

  @Test
  void anHttpPublishIsDeliveredLikeAClientPublish() {
    String ch = channel("http");
    try (WsClient sub = WsClient.connect(ws("/ws"))) {
      sub.request("\"op\":\"subscribe\",\"channel\":\"" + ch + "\"");
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
      c.send("{not json");
      assertThat(c.nextJson().path("error").path("code").asInt()).isEqualTo(101);
      assertThat(c.request("\"op\":\"teleport\"").path("error").path("code").asInt())
          .isEqualTo(102);
      assertThat(
              c.request("\"op\":\"publish\",\"channel\":\"a\"").path("error").path("code").asInt())
          .isEqualTo(103);
      assertThat(
              c.request("\"op\":\"subscribe\",\"channel\":\"bad name\"")
                  .path("error")
                  .path("code")
                  .asInt())
          .isEqualTo(104);
      assertThat(c.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void anOversizedMessageClosesWith1009AndOthersKeepBeingServed() {
    try (WsClient big = WsClient.connect(ws("/ws"));
        WsClient other = WsClient.connect(ws("/ws"))) {
      big.send("{\"op\":\"publish\",\"channel\":\"a\",\"data\":\"" + "x".repeat(70 * 1024) + "\"}");
      assertThat(big.awaitClose().code()).isEqualTo(1009);
      assertThat(other.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue();
    }
  }
}
