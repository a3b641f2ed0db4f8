package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.Decision;
import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.HubEventListener;
import dev.switchboard.hooks.PublishDecision;
import dev.switchboard.hub.Hub;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application's decisions and events through the real standalone server: the handshake's token
 * reaches the connect decision, a refusal is a 4503 close frame with the reason cut to fit, and the
 * container's close code and reason reach ConnectionClosed.
 */
class ApplicationHooksEndToEndTest {
  private static StandaloneServer server;
  private static Hub hub;
  private final BlockingQueue<HubEvent> events = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of("auth.hmac-secret", Tokens.SECRET));
    hub = server.assembly().hub();
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  @AfterEach
  void forget() {
    hub.decideWith(Decisions.ALLOW_ALL);
    hub.listen(HubEventListener.NONE);
  }

  private static URI ws() {
    return server.wsUri().resolve("/ws");
  }

  private static String token(String user) {
    return Tokens.hs256(
        Tokens.claims(
            user, Instant.now().plusSeconds(600), Map.of("room:*", List.of("subscribe"))));
  }

  /** The next event about {@code user}'s connections; others (earlier tests' closes) skipped. */
  private HubEvent next(String user) throws InterruptedException {
    while (true) {
      HubEvent e = events.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(e).as("an event about " + user).isNotNull();
      if (user.equals(e.client().user())) {
        return e;
      }
    }
  }

  @Test
  void theHandshakesUserIsOpenedAndTheClientsCloseIsToldWithItsCodeAndReason() throws Exception {
    hub.listen(events::add);
    String id;
    try (WsClient c = WsClient.connect(ws(), Map.of("Authorization", "Bearer " + token("erin")))) {
      HubEvent opened = next("erin");
      assertThat(opened).isInstanceOf(HubEvent.ConnectionOpened.class);
      id = opened.client().connectionId();
      c.ok(i -> new Command.Subscribe(i, "room:e"));
      assertThat(next("erin")).isEqualTo(new HubEvent.Subscribed(opened.client(), "room:e"));
    } // closes with 1000 "bye"
    Client erin = new Client(id, "erin", null);
    assertThat(next("erin")).isEqualTo(new HubEvent.Unsubscribed(erin, "room:e"));
    assertThat(next("erin")).isEqualTo(new HubEvent.ConnectionClosed(erin, 1000, "bye"));
  }

  @Test
  void aUserTheApplicationRefusesIsClosedWith4503AndTheReasonCutToACloseFrame() {
    String reason = "suspended: " + "é".repeat(100); // 211 bytes of UTF-8
    hub.decideWith(
        new Decisions() {
          @Override
          public Decision connect(Client client) {
            return "mallory".equals(client.user()) ? Decision.deny(reason) : Decision.allow();
          }
        });
    try (WsClient c =
        WsClient.connect(ws(), Map.of("Authorization", "Bearer " + token("mallory")))) {
      WsClient.Close close = c.awaitClose();
      assertThat(close.code()).isEqualTo(4503);
      assertThat(close.reason().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(123);
      assertThat(close.reason()).startsWith("suspended: é").endsWith("é...");
      assertThat(reason).startsWith(close.reason().substring(0, close.reason().length() - 3));
    }
    try (WsClient c = WsClient.connect(ws())) {
      String answer =
          c.error(i -> new Command.Connect(i, token("mallory")), ErrorCode.FORBIDDEN).message();
      assertThat(answer).isEqualTo(reason);
      assertThat(c.awaitClose().code()).isEqualTo(4503);
    }
  }

  @Test
  void aRewrittenPublicationReachesSubscribersAndARefusedOneNobody() {
    hub.decideWith(
        new Decisions() {
          @Override
          public PublishDecision publish(Client client, String channel, Payload payload) {
            String json = ((Payload.Json) payload).json();
            return switch (json) {
              case "\"no\"" -> PublishDecision.deny("not that");
              case "\"rude\"" -> PublishDecision.rewrite(new Payload.Json("\"polite\""));
              default -> PublishDecision.allow();
            };
          }
        });
    try (WsClient subscriber = WsClient.connect(ws());
        WsClient publisher = WsClient.connect(ws())) {
      subscriber.ok(i -> new Command.Subscribe(i, "hooks"));
      publisher.error(
          i -> new Command.Publish(i, "hooks", new Payload.Json("\"no\"")), ErrorCode.FORBIDDEN);
      publisher.ok(i -> new Command.Publish(i, "hooks", new Payload.Json("\"rude\"")));
      publisher.ok(i -> new Command.Publish(i, "hooks", new Payload.Json("\"fine\"")));
      assertThat(((Publication) subscriber.nextMessage()).payload())
          .isEqualTo(new Payload.Json("\"polite\""));
      assertThat(((Publication) subscriber.nextMessage()).payload())
          .as("the refused one came before it and never arrived")
          .isEqualTo(new Payload.Json("\"fine\""));
    }
  }
}
