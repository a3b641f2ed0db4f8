package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection without the hub protocol under the hub's policy: liveness, rate, closes counted
 * once.
 */
class PlainConnectionTest {
  private static final long SECOND = 1_000_000_000L;

  private final ManualClock clock = new ManualClock();
  private final long start = clock.nanoTime();
  private final HubHarness h = HubHarness.policed(clock);

  private final Hub hub = h.hub;

  @AfterEach
  void close() {
    h.close();
  }

  /** Moves the clock to {@code secondsLater} after the test began, then sweeps. */
  private void sweepAt(long secondsLater) {
    clock.advance(Duration.ofNanos(start + secondsLater * SECOND - clock.nanoTime()));
    hub.sweep();
  }

  @Test
  void aSilentPeerIsPingedThenClosedWith4001AndCountedOnce() {
    FakeTransport t = FakeTransport.auto();
    PlainConnection c = hub.openPlain(t, 1 << 20);
    sweepAt(20);
    assertThat(t.pings()).isZero();
    sweepAt(26);
    assertThat(t.pings()).isEqualTo(1);
    sweepAt(30);
    assertThat(t.closedWith()).isNull();
    sweepAt(37);
    assertThat(t.closedWith()).isEqualTo(CloseCode.IDLE_TIMEOUT);
    assertThat(c.onClosed()).as("the container's report of that close").isFalse();
    assertThat(hub.metrics().closes(4001)).isEqualTo(1);
  }

  @Test
  void aPongKeepsThePeerAlive() {
    FakeTransport t = FakeTransport.auto();
    PlainConnection c = hub.openPlain(t, 1 << 20);
    sweepAt(26);
    c.onPong();
    sweepAt(37);
    assertThat(t.closedWith()).isNull();
    assertThat(c.isOpen()).isTrue();
  }

  @Test
  void messagesOverTheRateAreDroppedAndCounted() {
    PlainConnection c = hub.openPlain(FakeTransport.auto(), 1 << 20);
    int served = 0;
    for (int i = 0; i < 10; i++) {
      served += c.admit(1) ? 1 : 0;
    }
    assertThat(served).isEqualTo(4); // a burst of twice the rate of 2
    assertThat(hub.metrics().errors(ErrorCode.RATE_LIMITED)).isEqualTo(6);
    assertThat(c.isOpen()).isTrue(); // closing takes refusals in three consecutive seconds
  }

  @Test
  void closeAllClosesPlainConnectionsAndAClosedPeerLeavesTheSweep() {
    FakeTransport gone = FakeTransport.auto();
    PlainConnection left = hub.openPlain(gone, 1 << 20);
    assertThat(left.onClosed()).as("closed by the peer, not by the hub").isTrue();
    FakeTransport t = FakeTransport.auto();
    hub.openPlain(t, 1 << 20);
    hub.closeAll(CloseCode.GOING_AWAY, "bye");
    sweepAt(60);
    assertThat(t.closedWith()).isEqualTo(CloseCode.GOING_AWAY);
    assertThat(gone.pings()).isZero();
    assertThat(gone.closedWith()).isNull();
    assertThat(hub.metrics().closes(1001)).isEqualTo(1);
  }

  @Test
  void aReplyTheContainerNeverCompletesClosesThePeerWith4005() {
    FakeTransport lost = FakeTransport.held();
    PlainConnection c = hub.openPlain(lost, 1 << 20);
    c.send(new QueuedFrame.Text("echo"));
    c.send(new QueuedFrame.Text("echo again"));
    sweepAt(29);
    assertThat(lost.closedWith()).isNull();
    sweepAt(31);
    assertThat(lost.closedWith()).isEqualTo(CloseCode.SEND_TIMEOUT);
    assertThat(c.isOpen()).isFalse();
    assertThat(hub.metrics().closes(4005)).isEqualTo(1);
    assertThat(hub.metrics().droppedFrames()).isEqualTo(1);
  }

  @Test
  void aPeerWhoseSocketStopsTakingRepliesIsClosedAsSlowByTheSweep() {
    FakeTransport stalled = FakeTransport.held();
    PlainConnection c = hub.openPlain(stalled, 100);
    c.send(new QueuedFrame.Text("x".repeat(60)));
    c.send(new QueuedFrame.Text("x".repeat(60))); // more than the limit behind a send that waits
    sweepAt(1);
    assertThat(stalled.closedWith()).isNull();
    sweepAt(3);
    assertThat(stalled.closedWith()).isEqualTo(CloseCode.SLOW_CONSUMER);
    assertThat(hub.metrics().closes(4000)).isEqualTo(1);
  }
}
