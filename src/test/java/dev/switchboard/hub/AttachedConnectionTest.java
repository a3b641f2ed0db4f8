package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection attached by an application's own endpoint ({@link Hub#attach}) under the hub's
 * policy, on a manual clock: the messages its endpoint reports keep it alive and pass the rate
 * limit.
 */
class AttachedConnectionTest {
  private static final long SECOND = 1_000_000_000L;

  private final ManualClock clock = new ManualClock();
  private final long start = clock.nanoTime();
  private final HubHarness h = HubHarness.policed(clock);

  private final Hub hub = h.hub;
  private final List<OwnProtocol.Answer> answers = new ArrayList<>();

  /** Records the answers; publications in a trivial format. */
  private final OwnProtocol own =
      new OwnProtocol() {
        @Override
        public QueuedFrame publication(String channel, long offset, String epoch, Payload payload) {
          return new QueuedFrame.Text(channel + " " + offset);
        }

        @Override
        public void answered(long commandId, Answer answer) {
          synchronized (answers) {
            answers.add(answer);
          }
        }

        @Override
        public void ended(String channel) {}
      };

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
  void anAttachedSessionThatKeepsSendingIsNeitherPingedNorClosedAsIdleWithoutPongs() {
    FakeTransport t = FakeTransport.auto();
    ClientConnection c = hub.attach(t, Identity.ANONYMOUS, own);
    for (int s = 10; s <= 120; s += 10) {
      assertThat(c.admit(5)).isTrue();
      sweepAt(s);
    }
    assertThat(t.pings()).isZero();
    assertThat(t.closedWith()).isNull();
    assertThat(c.isOpen()).isTrue();

    sweepAt(146); // silent since 120: pinged
    assertThat(t.pings()).isEqualTo(1);
    sweepAt(157);
    assertThat(t.closedWith()).isEqualTo(CloseCode.IDLE_TIMEOUT);
    assertThat(hub.metrics().closes(4001)).isEqualTo(1);
  }

  @Test
  void anAttachedSessionOverTheRateHasItsMessagesRefusedThenIsClosedWith4002WhenItKeepsOn() {
    FakeTransport t = FakeTransport.auto();
    ClientConnection c = hub.attach(t, Identity.ANONYMOUS, own);
    int served = 0;
    for (int i = 0; i < 10; i++) {
      served += c.admit(1) ? 1 : 0;
    }
    assertThat(served).isEqualTo(4); // a burst of twice the rate of 2
    assertThat(hub.metrics().errors(ErrorCode.RATE_LIMITED)).isEqualTo(6);
    assertThat(answers)
        .as("refusals without a command: the endpoint's protocol ignores them, admit says it")
        .hasSize(6)
        .allMatch(
            a -> a instanceof OwnProtocol.Answer.Refused r && r.code() == ErrorCode.RATE_LIMITED);
    assertThat(c.isOpen()).isTrue();

    for (int s = 1; s <= 2; s++) {
      clock.advance(Duration.ofSeconds(1));
      while (c.admit(1)) {
        served++;
      }
    }

    assertThat(t.closedWith()).isEqualTo(CloseCode.RATE_LIMITED);
    assertThat(c.isOpen()).isFalse();
    assertThat(c.onClosed(4002, "")).as("the container's report of that close").isFalse();
    assertThat(hub.metrics().closes(4002)).isEqualTo(1);
  }
}
