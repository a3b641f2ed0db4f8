package dev.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link PresenceStore} meets; each engine's test extends it. */
public abstract class PresenceStoreContractTest {
  protected PresenceStore store;

  protected abstract PresenceStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<ClientInfo> presence(String channel) {
    return store.presence(channel).toCompletableFuture().join();
  }

  @Test
  void addedClientsArePresentUntilRemoved() {
    store.add("room", new ClientInfo("c1", "alice", "{\"n\":1}")).toCompletableFuture().join();
    store.add("room", new ClientInfo("c2", null, null)).toCompletableFuture().join();
    assertThat(presence("room"))
        .containsExactlyInAnyOrder(
            new ClientInfo("c1", "alice", "{\"n\":1}"), new ClientInfo("c2", null, null));

    store.remove("room", "c1").toCompletableFuture().join();
    assertThat(presence("room")).containsExactly(new ClientInfo("c2", null, null));
    store.remove("room", "c2").toCompletableFuture().join();
    assertThat(presence("room")).isEmpty();
  }

  @Test
  void addingAgainReplacesTheEntry() {
    store.add("room", new ClientInfo("c1", "alice", "1")).toCompletableFuture().join();
    store.add("room", new ClientInfo("c1", "alice", "2")).toCompletableFuture().join();
    assertThat(presence("room")).containsExactly(new ClientInfo("c1", "alice", "2"));
  }

  @Test
  void channelsAreSeparateAndUnknownOnesAreEmpty() {
    store.add("a", new ClientInfo("c1", null, null)).toCompletableFuture().join();
    assertThat(presence("b")).isEmpty();
    store.remove("b", "c1").toCompletableFuture().join();
    assertThat(presence("a")).hasSize(1);
  }
}
