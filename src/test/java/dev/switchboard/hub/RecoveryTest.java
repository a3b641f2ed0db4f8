package dev.switchboard.hub;

import static dev.switchboard.hub.HubHarness.assertSubscribedAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Position;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.protocol.ServerMessage.Recovery;
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
      new HeldHistoryBroker(MemoryBroker.sweptByCaller(clock, Duration.ofHours(1)));
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
    h.hub
        .publish(channel, new Payload.Json(String.valueOf(n)), null, null)
        .toCompletableFuture()
        .join();
  }

  /** Subscribes {@code c} to {@code channel} from {@code since} in {@code epoch}. */
  private static long subscribeSince(
      HubHarness.Client c, String channel, long since, String epoch) {
    return c.command(
        id -> new Command.Subscribe(id, channel, new Command.Since(since, epoch), null));
  }

  /** The pushes of what {@link #publish} sent to {@code channel} at {@code offsets}. */
  private static List<ServerMessage> publications(String channel, String epoch, long... offsets) {
    List<ServerMessage> out = new ArrayList<>();
    for (long offset : offsets) {
      out.add(new Publication(channel, offset, epoch, new Payload.Json(String.valueOf(offset))));
    }
    return out;
  }

  private static Ok recovered(long id, long offset, String epoch) {
    return new Ok(id, new Position(offset, epoch), new Recovery(true, null), null, null, null);
  }

  /**
   * Asserts {@code reply} answers {@code id} at {@code position}, not recovered because {@code
   * why}.
   */
  private static void assertNotRecovered(
      ServerMessage reply, long id, Position position, String why) {
    assertThat(reply).isInstanceOf(Ok.class);
    Recovery recovery = ((Ok) reply).recovery();
    assertThat(recovery).as("the recovery outcome").isNotNull();
    assertThat(recovery.reason()).contains(why);
    assertThat(reply)
        .isEqualTo(new Ok(id, position, new Recovery(false, recovery.reason()), null, null, null));
  }

  @Test
  void aSubscribeReplyCarriesThePositionAndPushesCarryOffsetAndEpoch() {
    publish("h:a", 1);
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.Subscribe(i, "h:a"));
    String epoch = assertSubscribedAt(c.takeMessage(), id, 1); // and no recovery outcome

    publish("h:a", 2);
    // The exact text: the order of the push's fields is part of the protocol.
    assertThat(c.last())
        .isEqualTo("{\"channel\":\"h:a\",\"offset\":2,\"epoch\":\"" + epoch + "\",\"data\":2}");
    assertThat(c.takeMessages()).containsExactlyElementsOf(publications("h:a", epoch, 2));
  }

  @Test
  void aResubscribeWithItsPositionGetsExactlyWhatItMissedInOrderBeforeLiveOnes() {
    HubHarness.Client first = h.connect();
    long id = first.command(i -> new Command.Subscribe(i, "h:a"));
    String epoch = assertSubscribedAt(first.takeMessage(), id, 0);
    publish("h:a", 1);
    publish("h:a", 2);
    assertThat(first.takeMessages()).containsExactlyElementsOf(publications("h:a", epoch, 1, 2));
    first.connection.onClosed(1006, "");

    for (int i = 3; i <= 7; i++) {
      publish("h:a", i);
    }
    HubHarness.Client again = h.connect();
    long resubscribe = subscribeSince(again, "h:a", 2, epoch);
    publish("h:a", 8);

    List<ServerMessage> expected = new ArrayList<>();
    expected.add(recovered(resubscribe, 7, epoch));
    expected.addAll(publications("h:a", epoch, 3, 4, 5, 6, 7, 8));
    assertThat(again.takeMessages()).containsExactlyElementsOf(expected);
    assertThat(h.hub.metrics().recoveries(true)).isEqualTo(1);
  }

  @Test
  void publicationsDuringTheHistoryReadAreDeliveredOnceAfterTheBacklog() {
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.Subscribe(i, "h:a"));
    String epoch = assertSubscribedAt(c.takeMessage(), id, 0);
    c.connection.onClosed(1006, "");
    for (int i = 1; i <= 3; i++) {
      publish("h:a", i);
    }

    broker.hold();
    HubHarness.Client again = h.connect();
    long resubscribe = subscribeSince(again, "h:a", 0, epoch);
    // The history read is in flight; these are live and overlap with what the read will return.
    publish("h:a", 4);
    publish("h:a", 5);
    assertThat(again.takeMessages()).isEmpty(); // nothing before the reply
    broker.releaseWithExtra(); // the read also saw 4 and 5, as a real engine may
    publish("h:a", 6);

    List<ServerMessage> expected = new ArrayList<>();
    expected.add(recovered(resubscribe, 5, epoch)); // where the read (answered late) saw it
    expected.addAll(publications("h:a", epoch, 1, 2, 3, 4, 5, 6));
    assertThat(again.takeMessages()).containsExactlyElementsOf(expected);
  }

  @Test
  void aChangedEpochIsReportedAsNotRecoveredAndLiveDeliveryStarts() {
    publish("h:a", 1);
    String epoch = epochOf("h:a");
    HubHarness.Client c = h.connect();
    long id = subscribeSince(c, "h:a", 5, "gone");
    assertNotRecovered(c.takeMessage(), id, new Position(1, epoch), "epoch");
    publish("h:a", 2);
    assertThat(c.takeMessages()).containsExactlyElementsOf(publications("h:a", epoch, 2));
    assertThat(h.hub.metrics().recoveries(false)).isEqualTo(1);
  }

  private String epochOf(String channel) {
    return h.hub.history(channel, null, 0, false).toCompletableFuture().join().position().epoch();
  }

  @Test
  void aPositionThatFellOutOfTheHistoryIsNotRecovered() {
    String epoch = epochOf("tiny:a");
    for (int i = 1; i <= 5; i++) {
      publish("tiny:a", i); // history keeps 3..5
    }
    HubHarness.Client again = h.connect();
    long id = subscribeSince(again, "tiny:a", 1, epoch);
    assertNotRecovered(again.takeMessage(), id, new Position(5, epoch), "fell out");
  }

  @Test
  void thePositionJustBeforeTheOldestKeptIsRecovered() {
    String epoch = epochOf("tiny:a");
    for (int i = 1; i <= 5; i++) {
      publish("tiny:a", i); // history keeps 3..5
    }
    HubHarness.Client edge = h.connect();
    long id = subscribeSince(edge, "tiny:a", 2, epoch);
    List<ServerMessage> expected = new ArrayList<>();
    expected.add(recovered(id, 5, epoch));
    expected.addAll(publications("tiny:a", epoch, 3, 4, 5));
    assertThat(edge.takeMessages()).containsExactlyElementsOf(expected);
  }

  @Test
  void aPositionAheadOfTheChannelIsNotRecovered() {
    publish("h:a", 1);
    String epoch = epochOf("h:a");
    HubHarness.Client c = h.connect();
    long id = subscribeSince(c, "h:a", 9, epoch);
    assertNotRecovered(c.takeMessage(), id, new Position(1, epoch), "ahead");
  }

  @Test
  void sinceOnAChannelWithoutHistoryIsAnsweredNotRecovered() {
    HubHarness.Client c = h.connect();
    long id = subscribeSince(c, "plain", 1, "x");
    assertNotRecovered(c.takeMessage(), id, null, "no history");
  }

  @Test
  void aBinaryPublicationInAChannelWithHistoryCarriesItsPositionInTheEnvelope() {
    HubHarness.Client c = h.connect();
    long id = c.command(i -> new Command.Subscribe(i, "h:b"));
    String epoch = assertSubscribedAt(c.takeMessage(), id, 0);
    h.hub
        .publish("h:b", new Payload.Binary(new byte[] {7}), null, null)
        .toCompletableFuture()
        .join();
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
