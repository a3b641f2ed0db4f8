package dev.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.engine.PresenceStoreContractTest;
import org.junit.jupiter.api.Test;

class MemoryPresenceStoreTest extends PresenceStoreContractTest {
  @Override
  protected PresenceStore newStore() {
    return new MemoryPresenceStore();
  }

  @Test
  void aChannelIsForgottenWithItsLastClient() {
    MemoryPresenceStore memory = (MemoryPresenceStore) store;
    store.add("a", new ClientInfo("c1", null, null));
    store.remove("a", "c1");
    assertThat(memory.channelCount()).isZero();
  }
}
