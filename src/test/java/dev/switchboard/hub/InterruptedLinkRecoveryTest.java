package dev.switchboard.hub;

import static dev.switchboard.hub.HubHarness.assertSubscribedAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Position;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.protocol.ServerMessage.Recovery;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Recovery across breaks of the node's live link (Redis Pub/Sub), staged deterministically with an
 * {@link InterruptibleBroker}: a subscriber either receives every offset once in order, or is told
 * ({@code recovered:false}, or a 4004 close after which it recovers) — never a silent gap.
 */
class InterruptedLinkRecoveryTest {
  private static final Duration META_TTL = Duration.ofHours(1);

  private final ManualClock clock = new ManualClock();
  private final MemoryBroker memory = MemoryBroker.sweptByCaller(clock, META_TTL);
  private final InterruptibleBroker broker = new InterruptibleBroker(memory);
  private final HubHarness h = new HubHarness(broker, Map.of("h", HubHarness.HISTORY));

  @AfterEach
  void close() {
    h.close();
  }

  private void publish(int n) {
    h.hub
        .publish("h:a", new Payload.Json(String.valueOf(n)), null, null)
        .toCompletableFuture()
        .join();
  }

  /** The pushes of what {@link #publish} sent at {@code offsets}. */
  private static List<ServerMessage> publications(String epoch, long... offsets) {
    List<ServerMessage> out = new ArrayList<>();
    for (long offset : offsets) {
      out.add(new Publication("h:a", offset, epoch, new Payload.Json(String.valueOf(offset))));
    }
    return out;
  }

  /** The recovered reply at {@code offset} of {@code epoch}, then {@code publications}. */
  private static List<ServerMessage> recovered(
      long offset, String epoch, List<ServerMessage> publications) {
    List<ServerMessage> out = new ArrayList<>();
    out.add(new Ok(1, new Position(offset, epoch), new Recovery(true, null), null, null, null));
    out.addAll(publications);
    return out;
  }

  /** A new client subscribed to h:a (its command has id 1), live only. */
  private HubHarness.Client subscribe() {
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Subscribe(id, "h:a"));
    return c;
  }

  /** A new client subscribed to h:a (its command has id 1) from {@code since} in {@code epoch}. */
  private HubHarness.Client subscribe(long since, String epoch) {
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Subscribe(id, "h:a", new Command.Since(since, epoch), null));
    return c;
  }

  @Test
  void aSubscriberRecoveredWhileTheLinkIsDownIsClosedAgainNotLetSkipWhatTheNodeMissed() {
    HubHarness.Client first = subscribe();
    String epoch = assertSubscribedAt(first.takeMessage(), 1, 0);
    publish(1);
    publish(2);
    assertThat(first.takeMessages()).containsExactlyElementsOf(publications(epoch, 1, 2));

    // The attack run's order: the engine reports the break (4004) before its live delivery is
    // back, the client reconnects at once and recovers, and publications keep coming meanwhile.
    broker.cut();
    broker.reportInterruption();
    assertThat(first.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client again = subscribe(2, epoch);
    assertThat(again.takeMessages()).containsExactlyElementsOf(recovered(2, epoch, List.of()));
    for (int n = 3; n <= 8; n++) {
      publish(n); // in the history, never delivered to this node
    }
    broker.restore();
    publish(9);

    // 9 is not the 3 this subscriber needs next: the node missed 3..8. Delivering 9 would be
    // the silent gap; the subscriber is told instead, and recovers.
    assertThat(again.takeMessages()).as("nothing after the gap is delivered").isEmpty();
    assertThat(again.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client third = subscribe(2, epoch);
    assertThat(third.takeMessages())
        .containsExactlyElementsOf(recovered(9, epoch, publications(epoch, 3, 4, 5, 6, 7, 8, 9)));
    publish(10);
    assertThat(third.takeMessages()).containsExactlyElementsOf(publications(epoch, 10));
    assertThat(third.transport.closedWith()).isNull();
  }

  @Test
  void aPublicationBetweenTheLinksReturnAndTheInterruptionIsNotTakenAsThePosition() {
    HubHarness.Client c = subscribe();
    String epoch = assertSubscribedAt(c.takeMessage(), 1, 0);
    publish(1);
    publish(2);
    assertThat(c.takeMessages()).containsExactlyElementsOf(publications(epoch, 1, 2));

    // The link breaks, 3..8 are published meanwhile, the link comes back and 9 arrives live, and
    // only then are the node's subscribers closed with 4004 (one by one, under a fan-out that
    // keeps running). Delivering 9 made the client take 9 as its position: it recovered from 9
    // and never got 3..8.
    broker.cut();
    for (int n = 3; n <= 8; n++) {
      publish(n);
    }
    broker.restore();
    publish(9);
    broker.reportInterruption();

    assertThat(c.takeMessages()).as("9 is not delivered after 2").isEmpty();
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client again = subscribe(2, epoch); // the last offset the client really received
    assertThat(again.takeMessages())
        .containsExactlyElementsOf(recovered(9, epoch, publications(epoch, 3, 4, 5, 6, 7, 8, 9)));
  }

  @Test
  void aLivePublicationOfANewEpochClosesTheSubscriberInsteadOfBeingDroppedAsAlreadySeen() {
    HubHarness.Client c = subscribe();
    String epoch = assertSubscribedAt(c.takeMessage(), 1, 0);
    for (int n = 1; n <= 3; n++) {
      publish(n);
    }
    assertThat(c.takeMessages()).containsExactlyElementsOf(publications(epoch, 1, 2, 3));

    // The channel stays quiet past its meta TTL: the engine forgets it and starts a new epoch,
    // whose offsets start again at 1, below what this subscriber already has.
    clock.advance(META_TTL.plusMinutes(1));
    memory.sweep();
    publish(4);

    assertThat(c.takeMessages()).as("an offset of another epoch is not a duplicate").isEmpty();
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client again = subscribe(3, epoch);
    Ok reply = (Ok) again.takeMessage();
    assertThat(reply.recovery().reason()).contains("epoch");
    assertThat(reply.position().epoch()).as("the new epoch").isNotEqualTo(epoch);
    assertThat(reply)
        .isEqualTo(
            new Ok(
                1,
                new Position(1, reply.position().epoch()),
                new Recovery(false, reply.recovery().reason()),
                null,
                null,
                null));
  }
}
