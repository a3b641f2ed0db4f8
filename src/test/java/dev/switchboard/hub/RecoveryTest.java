package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.Broker;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ForwardingBroker;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecoveryTest {
  private final ManualClock clock = new ManualClock();
  private final HeldHistoryBroker broker =
      new HeldHistoryBroker(new MemoryBroker(clock, Duration.ofHours(1), false));
  private final HubHarness h =
      new HubHarness(
          broker,
          Map.of(
              "h",
              HubHarness.HISTORY,
              "tiny",
              new NamespaceOptions(3, Duration.ofMinutes(5), false, false, true, 1024)));

  @AfterEach
  void close() {
    h.close();
  }

  private void publish(String channel, int n) {
    h.hub.publish(channel, new Payload.Json(String.valueOf(n)), null).toCompletableFuture().join();
  }

  private static List<Long> offsets(List<JsonNode> frames) {
    return frames.stream()
        .filter(f -> f.has("offset") && f.has("data"))
        .map(f -> f.get("offset").asLong())
        .toList();
  }

  @Test
  void aSubscribeReplyCarriesThePositionAndPushesCarryOffsetAndEpoch() {
    publish("h:a", 1);
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Subscribe(id, "h:a"));
    JsonNode reply = c.takeOne();
    assertThat(reply.get("ok").asBoolean()).isTrue();
    assertThat(reply.get("offset").asLong()).isEqualTo(1);
    String epoch = reply.get("epoch").asText();
    assertThat(epoch).isNotEmpty();
    assertThat(reply.has("recovered")).isFalse();

    publish("h:a", 2);
    JsonNode push = c.takeOne();
    assertThat(push.toString())
        .isEqualTo("{\"channel\":\"h:a\",\"offset\":2,\"epoch\":\"" + epoch + "\",\"data\":2}");
  }

  @Test
  void aResubscribeWithItsPositionGetsExactlyWhatItMissedInOrderBeforeLiveOnes() {
    HubHarness.Client first = h.connect();
    first.command(id -> new Command.Subscribe(id, "h:a"));
    String epoch = first.takeOne().get("epoch").asText();
    publish("h:a", 1);
    publish("h:a", 2);
    assertThat(offsets(first.take())).containsExactly(1L, 2L);
    first.connection.onClosed();

    for (int i = 3; i <= 7; i++) {
      publish("h:a", i);
    }
    HubHarness.Client again = h.connect();
    again.command(
        "\"op\":\"subscribe\",\"channel\":\"h:a\",\"since\":{\"offset\":2,\"epoch\":\""
            + epoch
            + "\"}");
    publish("h:a", 8);

    List<JsonNode> frames = again.take();
    JsonNode reply = frames.get(0);
    assertThat(reply.get("recovered").asBoolean()).isTrue();
    assertThat(reply.get("offset").asLong()).isEqualTo(7);
    assertThat(reply.get("epoch").asText()).isEqualTo(epoch);
    assertThat(offsets(frames)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(h.hub.metrics().recoveries(true)).isEqualTo(1);
  }

  @Test
  void publicationsDuringTheHistoryReadAreDeliveredOnceAfterTheBacklog() {
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Subscribe(id, "h:a"));
    String epoch = c.takeOne().get("epoch").asText();
    c.connection.onClosed();
    for (int i = 1; i <= 3; i++) {
      publish("h:a", i);
    }

    broker.hold();
    HubHarness.Client again = h.connect();
    again.command(
        "\"op\":\"subscribe\",\"channel\":\"h:a\",\"since\":{\"offset\":0,\"epoch\":\""
            + epoch
            + "\"}");
    // The history read is in flight; these are live and overlap with what the read will return.
    publish("h:a", 4);
    publish("h:a", 5);
    assertThat(again.take()).isEmpty(); // nothing before the reply
    broker.releaseWithExtra(); // the read also saw 4 and 5, as a real engine may
    publish("h:a", 6);

    List<JsonNode> frames = again.take();
    assertThat(frames.get(0).get("recovered").asBoolean()).isTrue();
    assertThat(offsets(frames)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void aChangedEpochIsReportedAsNotRecoveredAndLiveDeliveryStarts() {
    publish("h:a", 1);
    HubHarness.Client c = h.connect();
    c.command(
        "\"op\":\"subscribe\",\"channel\":\"h:a\",\"since\":{\"offset\":5,\"epoch\":\"gone\"}");
    JsonNode reply = c.takeOne();
    assertThat(reply.get("recovered").asBoolean()).isFalse();
    assertThat(reply.get("reason").asText()).contains("epoch");
    assertThat(reply.get("offset").asLong()).isEqualTo(1);
    publish("h:a", 2);
    assertThat(offsets(c.take())).containsExactly(2L);
    assertThat(h.hub.metrics().recoveries(false)).isEqualTo(1);
  }

  @Test
  void aPositionThatFellOutOfTheHistoryIsNotRecovered() {
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Subscribe(id, "tiny:a"));
    String epoch = c.takeOne().get("epoch").asText();
    c.connection.onClosed();
    for (int i = 1; i <= 5; i++) {
      publish("tiny:a", i); // history keeps 3..5
    }
    HubHarness.Client again = h.connect();
    again.command(
        "\"op\":\"subscribe\",\"channel\":\"tiny:a\",\"since\":{\"offset\":1,\"epoch\":\""
            + epoch
            + "\"}");
    JsonNode reply = again.takeOne();
    assertThat(reply.get("recovered").asBoolean()).isFalse();
    assertThat(reply.get("reason").asText()).contains("fell out");

    HubHarness.Client edge = h.connect();
    edge.command(
        "\"op\":\"subscribe\",\"channel\":\"tiny:a\",\"since\":{\"offset\":2,\"epoch\":\""
            + epoch
            + "\"}");
    List<JsonNode> frames = edge.take();
    assertThat(frames.get(0).get("recovered").asBoolean()).isTrue();
    assertThat(offsets(frames)).containsExactly(3L, 4L, 5L);
  }

  @Test
  void aPositionAheadOfTheChannelIsNotRecovered() {
    publish("h:a", 1);
    String epoch =
        h.hub.history("h:a", null, 0, false).toCompletableFuture().join().position().epoch();
    HubHarness.Client c = h.connect();
    c.command(
        "\"op\":\"subscribe\",\"channel\":\"h:a\",\"since\":{\"offset\":9,\"epoch\":\""
            + epoch
            + "\"}");
    JsonNode reply = c.takeOne();
    assertThat(reply.get("recovered").asBoolean()).isFalse();
    assertThat(reply.get("reason").asText()).contains("ahead");
  }

  @Test
  void sinceOnAChannelWithoutHistoryIsAnsweredNotRecovered() {
    HubHarness.Client c = h.connect();
    c.command(
        "\"op\":\"subscribe\",\"channel\":\"plain\",\"since\":{\"offset\":1,\"epoch\":\"x\"}");
    JsonNode reply = c.takeOne();
    assertThat(reply.get("ok").asBoolean()).isTrue();
    assertThat(reply.get("recovered").asBoolean()).isFalse();
    assertThat(reply.get("reason").asText()).contains("no history");
  }

  @Test
  void aBinaryPublicationInAChannelWithHistoryCarriesItsPositionInTheEnvelope() {
    HubHarness.Client c = h.connect();
    c.command(id -> new Command.Subscribe(id, "h:b"));
    String epoch = c.takeOne().get("epoch").asText();
    h.hub.publish("h:b", new Payload.Binary(new byte[] {7}), null).toCompletableFuture().join();
    QueuedFrame.Binary frame = (QueuedFrame.Binary) c.transport.sent().get(1);
    java.nio.ByteBuffer b = frame.view();
    assertThat(b.get()).isEqualTo((byte) 2);
    assertThat(b.get()).isEqualTo((byte) 1);
    assertThat(b.getLong()).isEqualTo(1);
    byte[] e = new byte[b.get()];
    b.get(e);
    assertThat(new String(e, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(epoch);
    assertThat(b.get()).isEqualTo((byte) 3);
  }

  /** A broker whose history reads can be held back, to stage the race with live deliveries. */
  static final class HeldHistoryBroker extends ForwardingBroker {
    private final Broker delegate;
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    HeldHistoryBroker(Broker delegate) {
      super(delegate);
      this.delegate = delegate;
    }

    synchronized void hold() {
      holding = true;
    }

    /** Answers held reads now (so they include what was published meanwhile). */
    void releaseWithExtra() {
      List<Runnable> go;
      synchronized (this) {
        holding = false;
        go = List.copyOf(held);
        held.clear();
      }
      go.forEach(Runnable::run);
    }

    @Override
    public CompletionStage<HistoryResult> history(String channel, HistoryQuery query) {
      synchronized (this) {
        if (holding) {
          CompletableFuture<HistoryResult> later = new CompletableFuture<>();
          held.add(() -> delegate.history(channel, query).thenAccept(later::complete));
          return later;
        }
      }
      return delegate.history(channel, query);
    }

    @Override
    public String name() {
      return "held-" + delegate.name();
    }
  }
}
