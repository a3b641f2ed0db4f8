package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random interleavings of publishing, dropping and reconnecting with a position, some of them with
 * publishes landing while the history read is in flight, and of breaks of the node's live link
 * (publications it misses) mended in either order: the interruption reported before the link is
 * back, or after publications already arrived on the mended link. Every subscriber's publications
 * follow the channel's sequence without gap or duplicate, except right after a reply that said
 * {@code "recovered":false}, and that reply comes only when the position really fell out of the
 * history; a subscriber may instead be closed with 4004, and then recovers from the last offset it
 * received.
 */
class RecoveryPropertiesTest {
  private static final int SUBSCRIBERS = 4;

  sealed interface Action {}

  record Publish() implements Action {}

  record Drop(int subscriber) implements Action {}

  /** Reconnect with the last position; {@code publishesDuring} land while history is read. */
  record Reconnect(int subscriber, int publishesDuring) implements Action {}

  /** The node's live link breaks: publications from now on do not reach it. */
  record Break() implements Action {}

  /**
   * The link is mended: {@code reportFirst}, the interruption (4004) is reported before the link is
   * back; otherwise {@code liveBeforeReport} publications arrive on the mended link first.
   */
  record Mend(boolean reportFirst, int liveBeforeReport) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> publish = Arbitraries.just(new Publish());
    Arbitrary<Action> drop = Arbitraries.integers().between(0, SUBSCRIBERS - 1).map(Drop::new);
    Arbitrary<Action> reconnect =
        Combinators.combine(
                Arbitraries.integers().between(0, SUBSCRIBERS - 1),
                Arbitraries.integers().between(0, 3))
            .as(Reconnect::new);
    Arbitrary<Action> mend =
        Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 3))
            .as(Mend::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, publish),
            Tuple.of(1, drop),
            Tuple.of(2, reconnect),
            Tuple.of(1, Arbitraries.just(new Break())),
            Tuple.of(1, mend))
        .list()
        .ofMaxSize(250);
  }

  @Property(tries = 500)
  void everySubscriberSeesTheChannelSequenceOrIsToldItCannot(
      @ForAll("actions") List<Action> actions,
      @ForAll @IntRange(min = 2, max = 40) int historySize) {
    InterruptibleBroker link =
        new InterruptibleBroker(MemoryBroker.sweptByCaller(new ManualClock(), Duration.ofHours(1)));
    RecoveryTest.HeldHistoryBroker broker = new RecoveryTest.HeldHistoryBroker(link);
    NamespaceOptions ns =
        new NamespaceOptions(historySize, Duration.ofHours(1), false, false, true, 1024);
    try (HubHarness h = new HubHarness(broker, Map.of("p", ns))) {
      Model[] subs = new Model[SUBSCRIBERS];
      for (int i = 0; i < SUBSCRIBERS; i++) {
        subs[i] = new Model(h);
        subs[i].subscribe();
      }
      Model.Channel channel = new Model.Channel(h);
      for (Action a : actions) {
        if (a instanceof Publish) {
          channel.publish();
        } else if (a instanceof Drop d) {
          subs[d.subscriber()].drop();
        } else if (a instanceof Reconnect r && !subs[r.subscriber()].connected()) {
          Model m = subs[r.subscriber()];
          broker.hold();
          m.reconnect(channel.top);
          for (int i = 0; i < r.publishesDuring(); i++) {
            channel.publish();
          }
          broker.releaseWithExtra();
          m.checkReply(channel.top, historySize);
        } else if (a instanceof Break) {
          link.cut();
        } else if (a instanceof Mend mend && link.isCut()) {
          if (mend.reportFirst()) {
            link.reportInterruption();
            link.restore();
          } else {
            link.restore();
            for (int i = 0; i < mend.liveBeforeReport(); i++) {
              channel.publish();
            }
            link.reportInterruption();
          }
        }
        for (Model m : subs) {
          m.drain();
        }
      }
      if (link.isCut()) {
        link.restore();
        link.reportInterruption();
      }
      for (Model m : subs) {
        m.drain();
      }
      for (Model m : subs) {
        if (!m.connected()) {
          m.reconnect(channel.top);
          m.checkReply(channel.top, historySize);
        }
        m.drain();
        assertThat(m.next - 1).as("subscriber caught up with the channel").isEqualTo(channel.top);
      }
    }
  }

  /** What one subscriber has seen, checked as frames arrive. */
  private static final class Model {
    private final HubHarness h;
    private HubHarness.Client client;
    private String epoch;

    /** The offset the next publication must have. */
    private long next = 1;

    /** The position sent with the pending reconnect, to judge its reply. */
    private long since = -1;

    private long topAtReconnect;
    private final List<Ok> pendingReplies = new ArrayList<>();

    Model(HubHarness h) {
      this.h = h;
    }

    boolean connected() {
      return client != null;
    }

    void subscribe() {
      client = h.connect();
      client.command(id -> new Command.Subscribe(id, "p:c"));
      drain();
    }

    void drop() {
      if (client != null) {
        client.connection.onClosed(1006, "");
        client = null;
      }
    }

    void reconnect(long top) {
      since = next - 1;
      topAtReconnect = top;
      pendingReplies.clear();
      client = h.connect();
      Command.Since from = new Command.Since(since, epoch);
      client.command(id -> new Command.Subscribe(id, "p:c", from, null));
    }

    /**
     * The reply of a reconnect: recovered unless the position really left the history by the time
     * it was read ({@code topAtRead}: publishes during the read count).
     */
    void checkReply(long topAtRead, int historySize) {
      drain();
      if (pendingReplies.isEmpty()) {
        assertThat(client).as("no reply only when closed with 4004 before it went out").isNull();
        since = -1; // told: it reconnects later from what it has
        return;
      }
      Ok reply = pendingReplies.remove(pendingReplies.size() - 1);
      boolean inHistory = since >= topAtRead - historySize;
      assertThat(reply.recovery().recovered())
          .as(
              "position %d (top %d at reconnect, %d at read, size %d)",
              since, topAtReconnect, topAtRead, historySize)
          .isEqualTo(inHistory);
      since = -1;
    }

    void drain() {
      if (client == null) {
        return;
      }
      for (ServerMessage m : client.takeMessages()) {
        if (m instanceof Ok reply) {
          epoch = reply.position().epoch();
          if (reply.recovery() == null || !reply.recovery().recovered()) {
            next = reply.position().offset() + 1; // live from now on (told so, if it asked more)
          }
          pendingReplies.add(reply);
        } else {
          // The channel's publications carry their offset as data: next, in this epoch, or a gap.
          Payload data = new Payload.Json(String.valueOf(next));
          assertThat(m)
              .as("no gap, no duplicate")
              .isEqualTo(new Publication("p:c", next, epoch, data));
          next++;
        }
      }
      CloseCode closed = client.transport.closedWith();
      if (closed != null) {
        // Told: the node may have missed publications; the client reconnects from what it has.
        assertThat(closed).isEqualTo(CloseCode.ENGINE_INTERRUPTED);
        client = null;
      }
    }

    /** The channel as published. */
    private static final class Channel {
      private final HubHarness h;
      long top;

      Channel(HubHarness h) {
        this.h = h;
      }

      void publish() {
        top =
            h.hub
                .publish("p:c", new Payload.Json(String.valueOf(top + 1)), null, null)
                .toCompletableFuture()
                .join()
                .offset();
      }
    }
  }
}
