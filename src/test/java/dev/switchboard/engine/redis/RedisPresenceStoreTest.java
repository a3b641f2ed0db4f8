package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.engine.PresenceStoreContractTest;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.Redis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The presence contract on real Redis, plus expiry of a dead node's entries. */
class RedisPresenceStoreTest extends PresenceStoreContractTest {
  private final String prefix = Redis.freshPrefix();
  private final ManualClock clock = new ManualClock();
  private final List<RedisBroker> brokers = new ArrayList<>();

  @Override
  protected PresenceStore newStore() {
    RedisBroker broker = RedisBroker.open(Redis.options(Redis.URI, prefix, clock));
    brokers.add(broker);
    return new RedisPresenceStore(broker);
  }

  @AfterEach
  void cleanUp() {
    brokers.forEach(RedisBroker::close);
    Redis.deleteAll(Redis.URI, prefix);
  }

  @Test
  void everyNodeSeesTheSamePresence() {
    PresenceStore other = newStore();
    store.add("room", new ClientInfo("a1", "ann", null)).toCompletableFuture().join();
    other.add("room", new ClientInfo("b1", "bob", "{\"x\":1}")).toCompletableFuture().join();
    assertThat(store.presence("room").toCompletableFuture().join())
        .containsExactlyInAnyOrderElementsOf(other.presence("room").toCompletableFuture().join())
        .hasSize(2);
    other.close();
  }

  @Test
  void theEntriesOfANodeThatStoppedRefreshingExpire() {
    store.add("room", new ClientInfo("a1", "ann", null)).toCompletableFuture().join();
    // The node "dies": its refresher stops (a closed node would delete its entries, a killed one
    // cannot).
    clock.advance(Duration.ofSeconds(31));
    assertThat(store.presence("room").toCompletableFuture().join()).isEmpty();
    assertThat(Redis.<Long>with(Redis.URI, r -> r.hlen(prefix + "p:room"))).isZero();
  }

  @Test
  void closingANodeRemovesItsEntriesAtOnce() {
    PresenceStore other = newStore();
    other.add("room", new ClientInfo("b1", "bob", null)).toCompletableFuture().join();
    assertThat(store.presence("room").toCompletableFuture().join()).hasSize(1);
    other.close();
    assertThat(store.presence("room").toCompletableFuture().join()).isEmpty();
  }
}
