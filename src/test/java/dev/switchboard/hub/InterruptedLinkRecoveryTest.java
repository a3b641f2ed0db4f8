package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
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
    h.hub.publish("h:a", new Payload.Json(String.valueOf(n)), null).toCompletableFuture().join();
  }

  private static List<Long> offsets(List<JsonNode> frames) {
    return frames.stream().filter(f -> f.has("data")).map(f -> f.get("offset").asLong()).toList();
  }

  private HubHarness.Client subscribe(long since, String epoch) {
    HubHarness.Client c = h.connect();
    c.command(
        "\"op\":\"subscribe\",\"channel\":\"h:a\""
            + (epoch == null
                ? ""
                : ",\"since\":{\"offset\":" + since + ",\"epoch\":\"" + epoch + "\"}"));
    return c;
  }

  @Test
  void
      aSubscriberThatRecoveredWhileTheLinkWasStillDownIsClosedToRecoverAgainInsteadOfSkippingWhatTheNodeMissed() {
    HubHarness.Client first = subscribe(0, null);
    String epoch = first.takeOne().get("epoch").asText();
    publish(1);
    publish(2);
    assertThat(offsets(first.take())).containsExactly(1L, 2L);

    // The attack run's order: the engine reports the break (4004) before its live delivery is
    // back, the client reconnects at once and recovers, and publications keep coming meanwhile.
    broker.cut();
    broker.reportInterruption();
    assertThat(first.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client again = subscribe(2, epoch);
    JsonNode reply = again.takeOne();
    assertThat(reply.get("recovered").asBoolean()).isTrue();
    assertThat(reply.get("offset").asLong()).isEqualTo(2);
    for (int n = 3; n <= 8; n++) {
      publish(n); // in the history, never delivered to this node
    }
    broker.restore();
    publish(9);

    // 9 is not the 3 this subscriber needs next: the node missed 3..8. Delivering 9 would be
    // the silent gap; the subscriber is told instead, and recovers.
    assertThat(offsets(again.take())).as("nothing after the gap is delivered").isEmpty();
    assertThat(again.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client third = subscribe(2, epoch);
    List<JsonNode> frames = third.take();
    assertThat(frames.get(0).get("recovered").asBoolean()).isTrue();
    assertThat(offsets(frames)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
    publish(10);
    assertThat(offsets(third.take())).containsExactly(10L);
    assertThat(third.transport.closedWith()).isNull();
  }

  @Test
  void
      aPublicationThatArrivesAfterTheLinkIsBackButBeforeTheInterruptionReachesTheSubscriberIsNotTakenAsItsPosition() {
    HubHarness.Client c = subscribe(0, null);
    String epoch = c.takeOne().get("epoch").asText();
    publish(1);
    publish(2);
    assertThat(offsets(c.take())).containsExactly(1L, 2L);

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

    assertThat(offsets(c.take())).as("9 is not delivered after 2").isEmpty();
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client again = subscribe(2, epoch); // the last offset the client really received
    List<JsonNode> frames = again.take();
    assertThat(frames.get(0).get("recovered").asBoolean()).isTrue();
    assertThat(offsets(frames)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void aLivePublicationOfANewEpochClosesTheSubscriberInsteadOfBeingDroppedAsAlreadySeen() {
    HubHarness.Client c = subscribe(0, null);
    String epoch = c.takeOne().get("epoch").asText();
    for (int n = 1; n <= 3; n++) {
      publish(n);
    }
    assertThat(offsets(c.take())).containsExactly(1L, 2L, 3L);

    // The channel stays quiet past its meta TTL: the engine forgets it and starts a new epoch,
    // whose offsets start again at 1, below what this subscriber already has.
    clock.advance(META_TTL.plusMinutes(1));
    memory.sweep();
    publish(4);

    assertThat(offsets(c.take())).as("an offset of another epoch is not a duplicate").isEmpty();
    assertThat(c.transport.closedWith()).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
    HubHarness.Client again = subscribe(3, epoch);
    JsonNode reply = again.takeOne();
    assertThat(reply.get("recovered").asBoolean()).isFalse();
    assertThat(reply.get("reason").asText()).contains("epoch");
    assertThat(reply.get("offset").asLong()).isEqualTo(1);
  }
}
