package dev.switchboard.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SpreadCloseTest {

  private static List<Runnable> recording(int n, List<Integer> closed) {
    return IntStream.range(0, n).<Runnable>mapToObj(i -> () -> closed.add(i)).toList();
  }

  @Test
  void eachBatchClosesItsEvenShareAndTheLastOneCompletes() {
    List<Integer> closed = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    SpreadClose.Batches batches = new SpreadClose.Batches(recording(10, closed), 4, done);
    List<Integer> after = new ArrayList<>();
    for (int run = 0; run < 4; run++) {
      assertThat(done).isNotDone();
      batches.run();
      after.add(closed.size());
    }
    assertThat(after).containsExactly(2, 5, 7, 10); // 10 * k / 4, rounded down
    assertThat(closed).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(done).isCompleted();
  }

  @Test
  void thePeriodIsTheSpreadButAtMostTenMillisecondsAConnection() {
    Duration spread = Duration.ofSeconds(5);
    assertThat(SpreadClose.period(spread, 1000)).isEqualTo(spread);
    assertThat(SpreadClose.period(spread, 100_000)).isEqualTo(spread);
    assertThat(SpreadClose.period(spread, 2)).isEqualTo(Duration.ofMillis(20));
    assertThat(SpreadClose.period(Duration.ZERO, 1000)).isEqualTo(Duration.ZERO);
  }

  @Test
  void aFewConnectionsOrNoSpreadCloseAtOnceOnTheCallersThreadInRandomOrder() {
    List<Integer> closed = new ArrayList<>();
    ScheduledExecutorService unused = Executors.newSingleThreadScheduledExecutor();
    try {
      CompletableFuture<Void> done =
          SpreadClose.start(recording(50, closed), Duration.ZERO, unused, new Random(7));
      assertThat(done).isCompleted();
      assertThat(closed).hasSize(50).doesNotHaveDuplicates();
      assertThat(closed).isNotEqualTo(IntStream.range(0, 50).boxed().toList()); // shuffled
    } finally {
      unused.shutdownNow();
    }
  }

  @Test
  void spreadClosesRunOnTheTimerAndEveryConnectionIsClosedOnceWhateverFails() throws Exception {
    List<Integer> closed = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Runnable> closers = new ArrayList<>(recording(100, closed));
    closers.add(
        () -> {
          throw new IllegalStateException("this one's socket is gone");
        });
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      CompletableFuture<Void> done =
          SpreadClose.start(closers, Duration.ofMillis(200), timer, new Random(7));
      done.get(30, TimeUnit.SECONDS); // a hang guard: 10 batches of 20 ms
      assertThat(closed).hasSize(100).doesNotHaveDuplicates();
    } finally {
      timer.shutdownNow();
    }
  }
}
