package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanOutTest {
  private final HubHarness h =
      new HubHarness(new HubOptions(64 * 1024, 4, Namespaces.only(NamespaceOptions.plain())));
  private final Hub hub = h.hub;
  private final FanOut fanOut = new FanOut(1);

  @AfterEach
  void close() {
    fanOut.close();
    hub.close();
  }

  @Test
  void aLaneThatFellBehindFlushesAfterARoundOfBytesInsteadOfPilingEveryQueuedTaskIntoTheOutboxes()
      throws InterruptedException {
    ClientConnection subscriber = hub.open(FakeTransport.auto());
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    fanOut.submit(
        "feed",
        touched -> {
          blocked.countDown();
          await(release);
          return 0;
        });
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

    // While the lane is busy, twelve 100 KB publications queue up behind it.
    int size = 100 * 1024;
    List<Integer> pendingAtStart = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(12);
    for (int i = 0; i < 12; i++) {
      fanOut.submit(
          "feed",
          touched -> {
            pendingAtStart.add(touched.size()); // connections queued for but not flushed yet
            touched.add(subscriber);
            done.countDown();
            return size;
          });
    }
    release.countDown();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

    // A round ends once it queued FanOut.MAX_BYTES_PER_ROUND: three 100 KB tasks, then a flush.
    int perRound = (FanOut.MAX_BYTES_PER_ROUND + size - 1) / size;
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      expected.add(i % perRound);
    }
    assertThat(pendingAtStart).containsExactlyElementsOf(expected);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
