package dev.switchboard.hub;

import static dev.switchboard.testing.WsClient.assertErrorReply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Entry;
import dev.switchboard.protocol.ServerMessage.Join;
import dev.switchboard.protocol.ServerMessage.Leave;
import dev.switchboard.protocol.ServerMessage.Member;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Position;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Presence, join/leave, the history command, idempotency and per-namespace rules. */
class NamespaceFeaturesTest {
  private final ManualClock clock = new ManualClock();
  private final HubHarness h =
      new HubHarness(
          MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)),
          Map.of(
              "room",
              HubHarness.HISTORY,
              "feed",
              new NamespaceOptions(5, Duration.ofMinutes(1), false, false, false, 16)));

  @AfterEach
  void close() {
    h.close();
  }

  private static Member member(HubHarness.Client c, String info) {
    return new Member(c.connection.id(), null, info);
  }

  private static Ok presence(long id, Member... clients) {
    return new Ok(id, null, null, null, null, List.of(clients));
  }

  @Test
  void othersAreToldOfJoinsAndLeavesAndPresenceListsWhoIsThere() {
    HubHarness.Client alice = h.connect();
    String info = "{\"name\":\"Alice\"}";
    alice.command(id -> new Command.Subscribe(id, "room:1", null, info));
    assertThat(alice.takeMessages()).hasSize(1); // the reply only: nobody is told of their own join

    HubHarness.Client bob = h.connect();
    bob.command(id -> new Command.Subscribe(id, "room:1"));
    assertThat(alice.takeMessage()).isEqualTo(new Join("room:1", member(bob, null)));

    bob.takeMessages();
    long asked = bob.command(id -> new Command.Presence(id, "room:1"));
    Ok reply = (Ok) bob.takeMessage();
    assertThat(reply.clients()).containsExactlyInAnyOrder(member(alice, info), member(bob, null));
    assertThat(reply).isEqualTo(presence(asked, reply.clients().toArray(Member[]::new)));

    bob.command(id -> new Command.Unsubscribe(id, "room:1"));
    assertThat(alice.takeMessage()).isEqualTo(new Leave("room:1", member(bob, null)));

    HubHarness.Client carol = h.connect();
    carol.command(id -> new Command.Subscribe(id, "room:1"));
    alice.takeMessages();
    carol.connection.onClosed(1006, ""); // a dropped connection leaves too
    assertThat(alice.takeMessage()).isEqualTo(new Leave("room:1", member(carol, null)));
    assertThat(h.hub.presenceOf("room:1").toCompletableFuture().join()).hasSize(1);
  }

  @Test
  void presenceIsRefusedInANamespaceWithoutIt() {
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.Presence(i, "feed:x"));
    assertErrorReply(c.takeMessage(), id, ErrorCode.NOT_ENABLED);
  }

  @Test
  void historyIsRefusedInANamespaceWithoutIt() {
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.History(i, "plain", null, Command.History.ALL, false));
    assertErrorReply(c.takeMessage(), id, ErrorCode.NOT_ENABLED);
  }

  /** Publishes {"n":1} to {"n":7} to room:h and returns the epoch of its history. */
  private String sevenInHistory() {
    for (int i = 1; i <= 7; i++) {
      h.hub
          .publish("room:h", new Payload.Json("{\"n\":" + i + "}"), null, null)
          .toCompletableFuture()
          .join();
    }
    HubHarness.Client probe = h.connect();
    probe.command(id -> new Command.History(id, "room:h", null, 0, false));
    return ((Ok) probe.takeMessage()).position().epoch();
  }

  /** The history reply to {@code id}: the channel at offset 7, and the entries {@code offsets}. */
  private static Ok history(long id, String epoch, long... offsets) {
    List<Entry> entries = new ArrayList<>();
    for (long offset : offsets) {
      entries.add(new Entry(offset, new Payload.Json("{\"n\":" + offset + "}")));
    }
    return new Ok(id, new Position(7, epoch), null, null, entries, null);
  }

  @Test
  void theHistoryCommandReadsTheOldestUpToItsLimit() {
    String epoch = sevenInHistory();
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.History(i, "room:h", null, 3, false));
    assertThat(c.takeMessage()).isEqualTo(history(id, epoch, 1, 2, 3));
  }

  @Test
  void theHistoryCommandReadsTheNewestFirstWhenReversed() {
    String epoch = sevenInHistory();
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.History(i, "room:h", null, 2, true));
    assertThat(c.takeMessage()).isEqualTo(history(id, epoch, 7, 6));
  }

  @Test
  void theHistoryCommandReadsWhatFollowsSince() {
    String epoch = sevenInHistory();
    HubHarness.Client c = h.connect();
    Command.Since since = new Command.Since(5, epoch);
    long id = c.command(i -> new Command.History(i, "room:h", since, Command.History.ALL, false));
    assertThat(c.takeMessage()).isEqualTo(history(id, epoch, 6, 7));
  }

  @Test
  void theHistoryCommandCombinesSinceLimitAndReverse() {
    String epoch = sevenInHistory();
    HubHarness.Client c = h.connect();
    Command.Since since = new Command.Since(4, epoch);
    long id = c.command(i -> new Command.History(i, "room:h", since, 1, true));
    assertThat(c.takeMessage()).isEqualTo(history(id, epoch, 7));
  }

  @Test
  void aHistoryWithLimitZeroGivesOnlyThePosition() {
    String epoch = sevenInHistory();
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.History(i, "room:h", null, 0, false));
    assertThat(c.takeMessage()).isEqualTo(history(id, epoch));
  }

  @Test
  void aHistorySinceAnotherEpochIsRefusedAsABadPosition() {
    h.hub.publish("room:h", new Payload.Json("1"), null, null).toCompletableFuture().join();
    HubHarness.Client c = h.connect();
    Command.Since old = new Command.Since(0, "old");
    long id = c.command(i -> new Command.History(i, "room:h", old, Command.History.ALL, false));
    assertErrorReply(c.takeMessage(), id, ErrorCode.BAD_POSITION);
  }

  /** Commands the encoder cannot write, so hand-shaped: each field out of its range or type. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"op\":\"history\",\"channel\":\"room:h\",\"since\":{\"offset\":-1,\"epoch\":\"e\"}",
        "\"op\":\"history\",\"channel\":\"room:h\",\"since\":\"yesterday\"",
        "\"op\":\"subscribe\",\"channel\":\"room:h\",\"since\":{\"epoch\":\"e\"}",
        "\"op\":\"history\",\"channel\":\"room:h\",\"limit\":-5",
        "\"op\":\"history\",\"channel\":\"room:h\",\"reverse\":\"yes\""
      })
  void aBadSinceLimitOrReverseIsRefusedAsABadField(String fields) {
    h.hub.publish("room:h", new Payload.Json("1"), null, null).toCompletableFuture().join();
    HubHarness.Client c = h.connect();
    long id = c.command(fields);
    assertErrorReply(c.takeMessage(), id, ErrorCode.BAD_FIELD);
  }

  @Test
  void aRepeatedIdempotencyKeyIsAnsweredLikeTheFirstAndDeliveredOnce() {
    HubHarness.Client sub = h.connect();
    sub.command(id -> new Command.Subscribe(id, "room:pay"));
    sub.takeMessages();
    HubHarness.Client pub = h.connect();
    Payload paid = new Payload.Json("\"paid\"");
    long first = pub.command(id -> new Command.Publish(id, "room:pay", paid, "inv-9"));
    long again = pub.command(id -> new Command.Publish(id, "room:pay", paid, "inv-9"));
    List<ServerMessage> replies = pub.takeMessages();
    Position position = new Position(1, ((Ok) replies.get(0)).position().epoch());
    assertThat(replies)
        .containsExactly(
            new Ok(first, position, null, null, null, null),
            new Ok(again, position, null, null, null, null));
    assertThat(sub.takeMessages())
        .containsExactly(new Publication("room:pay", 1, position.epoch(), paid));
    assertThat(h.hub.metrics().snapshot().get("repeated_publishes")).isEqualTo(1L);
  }

  @Test
  void anEmptyIdempotencyKeyIsRefusedAsABadField() {
    HubHarness.Client pub = h.connect();
    Payload one = new Payload.Json("1");
    long id = pub.command(i -> new Command.Publish(i, "room:pay", one, ""));
    assertErrorReply(pub.takeMessage(), id, ErrorCode.BAD_FIELD);
  }

  @Test
  void aNamespaceCanForbidClientPublishes() {
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.Publish(i, "feed:x", new Payload.Json("1")));
    assertErrorReply(c.takeMessage(), id, ErrorCode.FORBIDDEN);
    assertThat(c.connection.isOpen()).isTrue();
  }

  @Test
  void aNamespaceCanLimitPayloads() {
    HubHarness.Client c = h.connect();
    Payload big = new Payload.Json("\"" + "x".repeat(70 * 1024) + "\"");
    long id = c.command(i -> new Command.Publish(i, "room:x", big));
    assertErrorReply(c.takeMessage(), id, ErrorCode.TOO_LARGE);
    assertThat(c.connection.isOpen()).isTrue();
  }
}
