package dev.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.BrokerContractTest;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The broker contract on the memory engine, plus what only the memory engine promises. */
class MemoryBrokerTest extends BrokerContractTest {
  private static final Duration META_TTL = Duration.ofHours(1);

  @Override
  protected Broker newBroker(ManualClock clock) {
    return MemoryBroker.sweptByCaller(clock, META_TTL);
  }

  private MemoryBroker memory() {
    return (MemoryBroker) broker;
  }

  @Test
  void expiredEntriesAreFreedBySweepingEvenWithoutFurtherPublishes() {
    for (int i = 0; i < 10; i++) {
      publish("h" + i, "1", HISTORY);
    }
    assertThat(memory().entryCount()).isEqualTo(10);
    pass(TTL.plusSeconds(1));
    memory().sweep();
    assertThat(memory().entryCount()).isZero();
    assertThat(memory().streamCount()).isEqualTo(10); // positions are remembered for META_TTL

    pass(META_TTL);
    memory().sweep();
    assertThat(memory().streamCount()).isZero();
  }

  @Test
  void aForgottenStreamStartsOverWithANewEpoch() {
    String epoch = publish("h", "1", HISTORY).epoch();
    pass(META_TTL.plus(TTL));
    memory().sweep();
    var again = publish("h", "2", HISTORY);
    assertThat(again.offset()).isEqualTo(1);
    assertThat(again.epoch()).isNotEqualTo(epoch);
  }

  @Test
  void aRestartedEngineHasNewEpochs() {
    String epoch = publish("h", "1", HISTORY).epoch();
    MemoryBroker restarted = MemoryBroker.sweptByCaller(clock, META_TTL);
    restarted.start(handler);
    assertThat(
            restarted
                .history("h", HistoryQuery.POSITION)
                .toCompletableFuture()
                .join()
                .position()
                .epoch())
        .isNotEqualTo(epoch);
    restarted.close();
  }

  @Test
  void refusesEverythingAfterClose() {
    broker.close();
    assertThat(
            broker.publish("a", new Payload.Json("1"), PublishOptions.NONE).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(broker.isReady()).isFalse();
  }
}
