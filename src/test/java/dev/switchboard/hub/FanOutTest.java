package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.HubHarness.Client;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The production fan-out lanes, run step by step: every round of a lane is one task of a manual
 * executor, so a test sees exactly what each round delivered.
 */
class FanOutTest {
  private static final int LANES = 2;

  private final ManualExecutor lanes = new ManualExecutor();
  private final HubHarness h =
      new HubHarness(
          new HubOptions(
              1000, 4, Namespaces.only(NamespaceOptions.plain()), LANES, ConnectionPolicy.open()),
          lanes);

  @AfterEach
  void close() {
    h.close();
  }

  private Client subscriber(String... channels) {
    return subscriber(FakeTransport.auto(), channels);
  }

  private Client subscriber(FakeTransport transport, String... channels) {
    Client c = h.connect(transport);
    for (String channel : channels) {
      c.send(new Command.Subscribe(Command.NO_ID, channel));
    }
    return c;
  }

  private void publish(String channel, String json) {
    h.hub.publish(channel, new Payload.Json(json), null, null);
  }

  /** Two channels on different lanes. */
  private static List<String> channelsOnTwoLanes() {
    FanOut probe = new FanOut(LANES, Runnable::run);
    String first = "ch0";
    for (int i = 1; ; i++) {
      if (probe.laneOf("ch" + i) != probe.laneOf(first)) {
        return List.of(first, "ch" + i);
      }
    }
  }

  @Test
  void aChannelsPublicationsWaitForItsLaneThenReachEachSubscriberInOrderInOneRound() {
    Client a = subscriber("feed");
    Client b = subscriber("feed");
    for (int i = 1; i <= 5; i++) {
      publish("feed", String.valueOf(i));
    }
    assertThat(a.texts()).as("nothing before the lane runs").isEmpty();
    assertThat(lanes.pending()).as("one round submitted for the five").isEqualTo(1);

    lanes.runNext();

    List<String> expected =
        IntStream.rangeClosed(1, 5)
            .mapToObj(i -> "{\"channel\":\"feed\",\"data\":" + i + "}")
            .toList();
    assertThat(a.texts()).containsExactlyElementsOf(expected);
    assertThat(b.texts()).containsExactlyElementsOf(expected);
    assertThat(lanes.pending()).isZero();
  }

  @Test
  void eachLaneDeliversOnlyItsOwnChannelsAndAConnectionOnBothHearsFromEach() {
    List<String> channels = channelsOnTwoLanes();
    Client first = subscriber(channels.get(0));
    Client second = subscriber(channels.get(1));
    Client both = subscriber(channels.get(0), channels.get(1));
    publish(channels.get(0), "1");
    publish(channels.get(1), "2");
    assertThat(lanes.pending()).isEqualTo(2);

    lanes.runNext(); // the lane of the first channel, submitted first

    assertThat(first.texts()).hasSize(1);
    assertThat(second.texts()).isEmpty();
    assertThat(both.texts()).containsExactly(first.texts().get(0));

    lanes.runNext();

    assertThat(second.texts()).hasSize(1);
    assertThat(both.texts()).containsExactly(first.texts().get(0), second.texts().get(0));
  }

  @Test
  void aStalledSubscriberHoldsNeitherItsLaneNorAnotherAndIsClosedOnceItsGraceIsOver() {
    List<String> channels = channelsOnTwoLanes();
    FakeTransport stalled = FakeTransport.held(); // takes one send and never completes it
    Client slow = subscriber(stalled, channels.get(0));
    Client sameLane = subscriber(channels.get(0));
    Client otherLane = subscriber(channels.get(1));
    String data = "\"" + "x".repeat(100) + "\"";
    for (int i = 0; i < 20; i++) {
      publish(channels.get(0), data);
      publish(channels.get(1), data);
    }

    lanes.runAll();

    assertThat(sameLane.texts()).hasSize(20);
    assertThat(otherLane.texts()).hasSize(20);
    assertThat(stalled.sent()).as("one send in flight, the rest waits").hasSize(1);
    assertThat(stalled.closedWith()).as("within the grace").isNull();

    h.clock.advance(Duration.ofNanos(Outbox.STALL_GRACE_NANOS));
    publish(channels.get(0), data);
    lanes.runAll();

    assertThat(stalled.closedWith()).isEqualTo(CloseCode.SLOW_CONSUMER);
    assertThat(slow.connection.isOpen()).isFalse();
    assertThat(sameLane.texts()).hasSize(21);
  }

  @Test
  void aLaneThatFellBehindFlushesAfterARoundOfBytesInsteadOfPilingEveryQueuedTaskIntoTheOutboxes() {
    FanOut fanOut = new FanOut(1, lanes);
    ClientConnection subscriber = h.hub.open(FakeTransport.auto());
    int size = 100 * 1024;
    List<Integer> pendingAtStart = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      fanOut.submit(
          "feed",
          touched -> {
            pendingAtStart.add(touched.size()); // connections queued for but not flushed yet
            touched.add(subscriber);
            return size;
          });
    }
    assertThat(lanes.pending()).isEqualTo(1);

    // A round ends once it queued FanOut.MAX_BYTES_PER_ROUND: three 100 KB tasks, then a flush,
    // then the next round is submitted.
    lanes.runNext();
    assertThat(pendingAtStart).containsExactly(0, 1, 2);
    assertThat(lanes.pending()).isEqualTo(1);
    assertThat(lanes.runAll()).isEqualTo(3);
    assertThat(pendingAtStart).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
  }

  @Test
  void eachPublicationIsTimedOnceFromReachingTheNodeToTheEndOfTheRoundThatFlushedIt() {
    Client a = subscriber("feed");
    Client b = subscriber("feed");
    LatencyHistogram latency = h.hub.metrics().deliveryLatency();
    publish("feed", "0");
    lanes.runAll();
    assertThat(latency.count()).as("not measured until asked for").isZero();
    h.hub.metrics().measureDeliveryLatency();
    for (int i = 1; i <= 3; i++) {
      publish("feed", String.valueOf(i));
    }
    publish("nobody-listens", "1");
    h.clock.advance(Duration.ofMillis(7));
    assertThat(latency.count()).as("nothing before the round ran").isZero();

    lanes.runAll();

    assertThat(a.texts()).hasSize(4);
    assertThat(b.texts()).hasSize(4);
    // Once per publication with subscribers, not per delivery: 3, not 6 (nor 7).
    assertThat(latency.count()).isEqualTo(3);
    int bucket = java.util.Arrays.binarySearch(LatencyHistogram.boundsSeconds(), 0.01);
    assertThat(latency.counts()[bucket]).as("7 ms is in the (5 ms, 10 ms] bucket").isEqualTo(3);
    assertThat(latency.sumSeconds()).isCloseTo(0.021, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aTimedTaskIsToldItWasFlushedOnlyIfItQueuedSomethingAndOnlyAfterTheFlush() {
    FanOut fanOut = new FanOut(1, lanes);
    ClientConnection subscriber = h.hub.open(FakeTransport.auto());
    List<String> events = new ArrayList<>();
    for (int queued : new int[] {10, 0}) {
      fanOut.submit(
          "feed",
          new FanOut.Task() {
            @Override
            public int run(List<ClientConnection> touched) {
              events.add("run " + queued);
              if (queued > 0) {
                touched.add(subscriber);
              }
              return queued;
            }

            @Override
            public boolean timed() {
              return true;
            }

            @Override
            public void flushed(long roundEndNanos) {
              events.add("flushed " + queued + " at " + roundEndNanos);
            }
          });
    }
    fanOut.submit("feed", touched -> 10); // not timed: never told
    fanOut.timeWith(h.clock);
    h.clock.advance(Duration.ofNanos(42));
    long now = h.clock.nanoTime();
    lanes.runAll();
    assertThat(events).containsExactly("run 10", "run 0", "flushed 10 at " + now);
  }

  @Test
  void closeLetsEverySubmittedTaskRunInOneGoAndDropsLaterOnes() {
    FanOut fanOut = new FanOut(1, lanes);
    List<Integer> ran = new ArrayList<>();
    int count = FanOut.MAX_TASKS_PER_ROUND + 44; // more than one round
    for (int i = 0; i < count; i++) {
      int n = i;
      fanOut.submit(
          "feed",
          touched -> {
            ran.add(n);
            return 0;
          });
    }

    fanOut.close();
    fanOut.submit(
        "feed",
        touched -> {
          ran.add(-1);
          return 0;
        });
    lanes.runNext();

    assertThat(ran).containsExactlyElementsOf(IntStream.range(0, count).boxed().toList());
    assertThat(lanes.pending()).as("a closing lane drains in place").isZero();
  }
}
