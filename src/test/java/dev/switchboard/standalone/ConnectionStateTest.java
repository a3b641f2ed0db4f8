package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A close asked for while Tyrus is still upgrading the connection waits for the upgrade's end. */
class ConnectionStateTest {
  private final ConnectionTracker.State state = new ConnectionTracker.State("127.0.0.1", 0, 0);
  private final List<String> closes = new ArrayList<>();

  @Test
  void aCloseDuringTheUpgradeRunsOnceTheUpgradeIsDoneAndOnlyTheFirst() {
    state.whenUpgraded(() -> closes.add("4500"));
    state.whenUpgraded(() -> closes.add("1001"));
    assertThat(closes).isEmpty();

    state.upgradeFinished();
    assertThat(closes).containsExactly("4500");

    state.upgradeFinished(); // the next read reports it again: nothing runs twice
    assertThat(closes).containsExactly("4500");
  }

  @Test
  void aCloseAfterTheUpgradeRunsAtOnce() {
    state.upgradeFinished();
    state.whenUpgraded(() -> closes.add("4001"));
    assertThat(closes).containsExactly("4001");
  }
}
