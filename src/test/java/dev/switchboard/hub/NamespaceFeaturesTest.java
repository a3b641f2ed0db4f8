package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence, join/leave, the history command, idempotency and per-namespace rules. */
class NamespaceFeaturesTest {
  private final ManualClock clock = new ManualClock();
  private final HubHarness h =
      new HubHarness(
          new MemoryBroker(clock, Duration.ofHours(1), false),
          Map.of(
              "room",
              HubHarness.HISTORY,
              "feed",
              new NamespaceOptions(5, Duration.ofMinutes(1), false, false, false, 16)));

  @AfterEach
  void close() {
    h.close();
  }

  private static int errorCode(JsonNode reply) {
    return reply.path("error").path("code").asInt();
  }

  @Test
  void othersAreToldOfJoinsAndLeavesAndPresenceListsWhoIsThere() {
    HubHarness.Client alice = h.connect();
    alice.command("\"op\":\"subscribe\",\"channel\":\"room:1\",\"info\":{\"name\":\"Alice\"}");
    assertThat(alice.take()).hasSize(1); // the reply only: nobody is told of their own join

    HubHarness.Client bob = h.connect();
    bob.command(id -> new Command.Subscribe(id, "room:1"));
    JsonNode join = alice.takeOne();
    assertThat(join.path("channel").asText()).isEqualTo("room:1");
    assertThat(join.path("join").path("client").asText()).isEqualTo(bob.connection.id());
    assertThat(join.path("join").has("user")).isTrue();

    bob.take();
    bob.command(id -> new Command.Presence(id, "room:1"));
    JsonNode presence = bob.takeOne();
    assertThat(presence.path("count").asInt()).isEqualTo(2);
    assertThat(presence.path("clients").findValuesAsText("client"))
        .containsExactlyInAnyOrder(alice.connection.id(), bob.connection.id());
    assertThat(presence.toString()).contains("{\"name\":\"Alice\"}");

    bob.command(id -> new Command.Unsubscribe(id, "room:1"));
    assertThat(alice.takeOne().path("leave").path("client").asText())
        .isEqualTo(bob.connection.id());

    HubHarness.Client carol = h.connect();
    carol.command(id -> new Command.Subscribe(id, "room:1"));
    alice.take();
    carol.connection.onClosed(); // a dropped connection leaves too
    assertThat(alice.takeOne().path("leave").path("client").asText())
        .isEqualTo(carol.connection.id());
    assertThat(h.hub.presenceOf("room:1").toCompletableFuture().join()).hasSize(1);
  }

  @Test
  void presenceAndHistoryRefuseNamespacesWithoutThem() {
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Presence(id, "feed:x"));
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.NOT_ENABLED.code());
    c.command(id -> new Command.History(id, "plain", null, Command.History.ALL, false));
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.NOT_ENABLED.code());
  }

  @Test
  void theHistoryCommandReadsWithLimitReverseAndSince() {
    for (int i = 1; i <= 7; i++) {
      h.hub
          .publish("room:h", new Payload.Json("{\"n\":" + i + "}"), null)
          .toCompletableFuture()
          .join();
    }
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.History(id, "room:h", null, 3, false));
    JsonNode r = c.takeOne();
    assertThat(r.path("publications").findValuesAsText("offset")).containsExactly("1", "2", "3");
    assertThat(r.path("publications").get(0).path("data").path("n").asInt()).isEqualTo(1);
    assertThat(r.path("offset").asLong()).isEqualTo(7);
    String epoch = r.path("epoch").asText();

    c.command(id -> new Command.History(id, "room:h", null, 2, true));
    assertThat(c.takeOne().path("publications").findValuesAsText("offset"))
        .containsExactly("7", "6");

    c.command(
        "\"op\":\"history\",\"channel\":\"room:h\",\"since\":{\"offset\":5,\"epoch\":\""
            + epoch
            + "\"}");
    assertThat(c.takeOne().path("publications").findValuesAsText("offset"))
        .containsExactly("6", "7");

    c.command(
        "\"op\":\"history\",\"channel\":\"room:h\",\"since\":{\"offset\":4,\"epoch\":\""
            + epoch
            + "\"},\"limit\":1,\"reverse\":true");
    assertThat(c.takeOne().path("publications").findValuesAsText("offset")).containsExactly("7");

    c.command(id -> new Command.History(id, "room:h", null, 0, false));
    JsonNode position = c.takeOne();
    assertThat(position.path("publications")).isEmpty();
    assertThat(position.path("offset").asLong()).isEqualTo(7);
  }

  @Test
  void badSinceAndLimitAreRefusedWithTheirCodes() {
    h.hub.publish("room:h", new Payload.Json("1"), null).toCompletableFuture().join();
    HubHarness.Client c = h.connect();
    c.command(
        "\"op\":\"history\",\"channel\":\"room:h\",\"since\":{\"offset\":0,\"epoch\":\"old\"}");
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.BAD_POSITION.code());
    c.command(
        "\"op\":\"history\",\"channel\":\"room:h\",\"since\":{\"offset\":-1,\"epoch\":\"e\"}");
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.BAD_FIELD.code());
    c.command("\"op\":\"history\",\"channel\":\"room:h\",\"since\":\"yesterday\"");
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.BAD_FIELD.code());
    c.command("\"op\":\"subscribe\",\"channel\":\"room:h\",\"since\":{\"epoch\":\"e\"}");
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.BAD_FIELD.code());
    c.command("\"op\":\"history\",\"channel\":\"room:h\",\"limit\":-5");
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.BAD_FIELD.code());
    c.command("\"op\":\"history\",\"channel\":\"room:h\",\"reverse\":\"yes\"");
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.BAD_FIELD.code());
  }

  @Test
  void aRepeatedIdempotencyKeyIsAnsweredLikeTheFirstAndDeliveredOnce() {
    HubHarness.Client sub = h.connect();
    sub.command(id -> new Command.Subscribe(id, "room:pay"));
    sub.take();
    HubHarness.Client pub = h.connect();
    pub.command(
        "\"op\":\"publish\",\"channel\":\"room:pay\",\"data\":\"paid\",\"idempotency_key\":\"inv-9\"");
    pub.command(
        "\"op\":\"publish\",\"channel\":\"room:pay\",\"data\":\"paid\",\"idempotency_key\":\"inv-9\"");
    List<JsonNode> replies = pub.take();
    assertThat(replies.get(0).path("offset").asLong()).isEqualTo(1);
    assertThat(replies.get(1).path("offset").asLong()).isEqualTo(1);
    assertThat(replies.get(1).path("epoch")).isEqualTo(replies.get(0).path("epoch"));
    assertThat(sub.take()).hasSize(1);
    assertThat(h.hub.metrics().snapshot().get("repeated_publishes")).isEqualTo(1L);

    pub.command("\"op\":\"publish\",\"channel\":\"room:pay\",\"data\":1,\"idempotency_key\":\"\"");
    assertThat(errorCode(pub.takeOne())).isEqualTo(ErrorCode.BAD_FIELD.code());
  }

  @Test
  void aNamespaceCanForbidClientPublishesAndLimitPayloads() {
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Publish(id, "feed:x", new Payload.Json("1")));
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.FORBIDDEN.code());
    c.command(
        "\"op\":\"publish\",\"channel\":\"room:x\",\"data\":\"" + "x".repeat(70 * 1024) + "\"");
    assertThat(errorCode(c.takeOne())).isEqualTo(ErrorCode.TOO_LARGE.code());
    assertThat(c.connection.isOpen()).isTrue();
  }
}
