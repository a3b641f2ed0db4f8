package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OutboxTest {
  /** The clock that times waiting sends; tests move it on explicitly. */
  private final java.util.concurrent.atomic.AtomicLong now =
      new java.util.concurrent.atomic.AtomicLong();

  private Outbox outbox(Transport t, long maxBytes) {
    return new Outbox(t, maxBytes, f -> {}, now::get);
  }

  /** Lets the send now in flight wait past the grace the limits allow. */
  private void waitPastGrace() {
    now.addAndGet(Outbox.STALL_GRACE_NANOS);
  }

  private static QueuedFrame.Text frame(int size) {
    return new QueuedFrame.Text("x".repeat(size));
  }

  @Test
  void keepsOneSendInFlightAndSendsTheNextFromTheCompletion() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = new Outbox(t, 1000, f -> {});

    assertThat(outbox.offer(frame(10))).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(outbox.offer(frame(10))).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(outbox.offer(frame(10))).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(t.sent()).hasSize(1);
    assertThat(outbox.queuedBytes()).isEqualTo(30);

    t.completeNext();
    assertThat(t.sent()).hasSize(2);
    t.completeNext();
    t.completeNext();
    assertThat(t.sent()).hasSize(3);
    assertThat(t.maxInFlight()).isEqualTo(1);
    assertThat(outbox.queuedBytes()).isZero();
  }

  @Test
  void refusesAFrameThatWouldPassTheByteLimitOnceTheSendInFlightWaitedPastTheGrace() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = outbox(t, 100);

    assertThat(outbox.offer(frame(60))).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(outbox.offer(frame(40))).isEqualTo(Outbox.Offer.QUEUED);
    waitPastGrace();
    assertThat(outbox.offer(frame(1))).isEqualTo(Outbox.Offer.OVERFLOW);
    assertThat(outbox.queuedBytes()).isEqualTo(100);

    t.completeNext(); // the 60-byte frame left
    assertThat(outbox.offer(frame(50))).isEqualTo(Outbox.Offer.QUEUED);
  }

  @Test
  void acceptsOneOversizedFrameWhenEmptySoALargeMessageNeverWedgesTheConnection() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = outbox(t, 100);

    assertThat(outbox.offer(frame(500))).isEqualTo(Outbox.Offer.QUEUED);
    waitPastGrace();
    assertThat(outbox.offer(frame(1))).isEqualTo(Outbox.Offer.OVERFLOW);
  }

  @Test
  void inlineCompletionsDrainADeepQueueWithoutRecursion() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = new Outbox(t, Long.MAX_VALUE, f -> {});
    for (int i = 0; i < 200_000; i++) {
      outbox.offer(frame(1));
    }
    assertThat(t.sent()).hasSize(1);

    // From now on every send completes inside Transport.send: recursion would overflow the stack.
    t.release();

    assertThat(t.sent()).hasSize(200_000);
    assertThat(outbox.queuedBytes()).isZero();
    assertThat(outbox.offer(frame(1))).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(t.sent()).hasSize(200_001);
  }

  @Test
  void aFailedSendClosesTheOutboxAndReportsOnce() {
    FakeTransport t = FakeTransport.held();
    AtomicReference<Throwable> reported = new AtomicReference<>();
    Outbox outbox = new Outbox(t, 1000, reported::set);
    outbox.offer(frame(10));
    outbox.offer(frame(10));

    IllegalStateException failure = new IllegalStateException("peer gone");
    t.failNext(failure);

    assertThat(reported.get()).isSameAs(failure);
    assertThat(outbox.offer(frame(10))).isEqualTo(Outbox.Offer.CLOSED);
    assertThat(outbox.queuedBytes()).isZero();
    assertThat(t.sent()).hasSize(1);
  }

  @Test
  void closeDropsQueuedFramesAndSaysHowMany() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = new Outbox(t, 1000, f -> {});
    outbox.offer(frame(10));
    outbox.offer(frame(10));
    outbox.offer(frame(10));

    assertThat(outbox.close()).isEqualTo(2); // one is in flight, two were waiting
    assertThat(outbox.close()).isZero();
    t.completeNext();
    assertThat(outbox.queuedBytes()).isZero();
    assertThat(t.sent()).hasSize(1);
  }

  @Test
  void bytesWaitingForTheServersOwnFlushNeverMakeAClientWhoseSocketDrainsSlow() {
    FakeTransport t = FakeTransport.auto();
    Outbox outbox = new Outbox(t, 100, f -> {});

    // A lane that fell behind queues far past the limit before it flushes: nothing is refused,
    // because no send is waiting at the socket.
    for (int i = 0; i < 10; i++) {
      assertThat(outbox.enqueue(frame(60), false)).isEqualTo(Outbox.Offer.QUEUED);
    }
    assertThat(outbox.awaitingTransport()).isFalse();
    outbox.flush();

    assertThat(t.sent()).hasSize(10);
    assertThat(outbox.queuedBytes()).isZero();
  }

  @Test
  void aSocketThatStopsTakingSendsOverflowsOnceTheLimitIsQueuedBehindIt() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = outbox(t, 100);
    assertThat(outbox.enqueue(frame(60), false)).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(outbox.enqueue(frame(60), false)).isEqualTo(Outbox.Offer.QUEUED); // not flushed yet
    outbox.flush(); // the first frame goes to a socket that does not drain

    assertThat(outbox.awaitingTransport()).isTrue();
    assertThat(outbox.enqueue(frame(1), false)).isEqualTo(Outbox.Offer.QUEUED); // within the grace
    waitPastGrace();
    assertThat(outbox.enqueue(frame(1), false)).isEqualTo(Outbox.Offer.OVERFLOW);
  }

  @Test
  void aReaderThatKeepsDrainingSurvivesABurstButNotABacklogOfFourTimesTheLimit() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = outbox(t, 100);
    assertThat(outbox.offer(frame(50))).isEqualTo(Outbox.Offer.QUEUED);

    // Each round the socket takes one 50-byte frame while 100 bytes arrive: never more than the
    // limit since the last send it took, but the backlog grows by 50 a round.
    Outbox.Offer last = Outbox.Offer.QUEUED;
    int rounds = 0;
    while (last == Outbox.Offer.QUEUED && rounds++ < 100) {
      t.completeNext();
      waitPastGrace();
      last = outbox.offer(frame(50));
      if (last == Outbox.Offer.QUEUED) {
        last = outbox.offer(frame(50));
      }
    }

    assertThat(last).isEqualTo(Outbox.Offer.OVERFLOW);
    assertThat(rounds).isGreaterThan(3); // a burst of twice the limit was absorbed
    // Refused exactly when the backlog would pass four times the limit: it holds that much.
    assertThat(outbox.queuedBytes()).isEqualTo((long) Outbox.BACKLOG_FACTOR * 100);
  }

  @Test
  void aBurstIntoASocketThatTakesItsNextSendWithinTheGraceOverflowsNothing() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = outbox(t, 100);
    outbox.offer(frame(50));
    for (int i = 0; i < 10; i++) { // a lane catching up: ten times the limit at once
      assertThat(outbox.offer(frame(100))).isEqualTo(Outbox.Offer.QUEUED);
    }
    now.addAndGet(Outbox.STALL_GRACE_NANOS - 1);
    assertThat(outbox.offer(frame(100))).isEqualTo(Outbox.Offer.QUEUED);

    for (int i = 0; i < 12; i++) {
      t.completeNext();
    }
    assertThat(outbox.queuedBytes()).isZero();
    assertThat(t.sent()).hasSize(12);
  }

  @Test
  void pastSixteenTimesTheLimitAWaitingSendOverflowsWithoutGraceSoMemoryStaysBounded() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = outbox(t, 100);
    outbox.offer(frame(100));
    for (int i = 1; i < Outbox.HARD_FACTOR; i++) {
      assertThat(outbox.offer(frame(100))).isEqualTo(Outbox.Offer.QUEUED);
    }
    assertThat(outbox.offer(frame(1))).isEqualTo(Outbox.Offer.OVERFLOW);
  }

  @Test
  void aSendIsOverdueOnlyWhileItStaysUncompletedPastTheTimeout() {
    FakeTransport t = FakeTransport.held();
    Outbox outbox = outbox(t, 1000);
    long timeout = 30_000_000_000L;
    assertThat(outbox.sendOverdue(now.get() + timeout, timeout)).as("nothing in flight").isFalse();

    outbox.offer(frame(10));
    outbox.offer(frame(10));
    assertThat(outbox.sendOverdue(now.get() + timeout - 1, timeout)).isFalse();
    assertThat(outbox.sendOverdue(now.get() + timeout, timeout)).isTrue();

    now.addAndGet(timeout / 2);
    t.completeNext(); // the next send starts now: its own clock
    assertThat(outbox.sendOverdue(now.get() + timeout - 1, timeout)).isFalse();
    assertThat(outbox.sendOverdue(now.get() + timeout, timeout)).isTrue();

    t.completeNext();
    assertThat(outbox.sendOverdue(now.get() + 10 * timeout, timeout)).as("drained").isFalse();
    outbox.offer(frame(10));
    outbox.close();
    assertThat(outbox.sendOverdue(now.get() + timeout, timeout)).as("closed").isFalse();
  }

  @Test
  void aSendThatBlocksInsideTheTransportIsOverdueToo() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch leave = new java.util.concurrent.CountDownLatch(1);
    Transport blocking =
        new Transport() {
          @Override
          public void send(QueuedFrame frame, SendCallback done) {
            entered.countDown();
            try {
              leave.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            done.completed(null);
          }

          @Override
          public void ping() {}

          @Override
          public void close(dev.switchboard.protocol.CloseCode code, String reason) {}
        };
    Outbox outbox = outbox(blocking, 1000);
    Thread sender = new Thread(() -> outbox.offer(frame(10)));
    sender.start();
    assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(outbox.sendOverdue(now.get() + 5, 5)).isTrue();
    leave.countDown();
    sender.join(10_000);
    assertThat(outbox.sendOverdue(now.get() + 5, 5)).isFalse();
  }
}
