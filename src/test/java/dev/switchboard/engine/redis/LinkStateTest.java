package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.EngineStatus.Link;
import dev.switchboard.testing.ManualClock;
import io.lettuce.core.RedisConnectionStateListener;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LinkStateTest {
  private final ManualClock clock = new ManualClock();
  private final LinkState state = new LinkState(clock);
  private final RedisConnectionStateListener commands = state.watch();
  private final RedisConnectionStateListener pubsub = state.watch();

  @Test
  void theLinkIsUpFromTheStartWithNoReconnects() {
    assertThat(state.link()).isEqualTo(Link.UP);
    assertThat(state.since()).isEqualTo(clock.instant());
    assertThat(state.reconnects()).isZero();
  }

  @Test
  void oneBrokenConnectionTakesTheLinkDownUntilEveryConnectionIsBackThenCountsOneReconnect() {
    clock.advance(Duration.ofSeconds(5));
    Instant broke = clock.instant();
    pubsub.onRedisDisconnected(null);
    commands.onRedisDisconnected(null);
    assertThat(state.link()).isEqualTo(Link.DOWN);
    assertThat(state.since()).isEqualTo(broke);

    clock.advance(Duration.ofSeconds(3));
    commands.onRedisConnected(null, null);
    assertThat(state.link()).as("the Pub/Sub connection is still down").isEqualTo(Link.DOWN);
    assertThat(state.since()).isEqualTo(broke);

    clock.advance(Duration.ofSeconds(1));
    pubsub.onRedisConnected(null, null);
    assertThat(state.link()).isEqualTo(Link.UP);
    assertThat(state.since()).isEqualTo(clock.instant());
    assertThat(state.reconnects()).isEqualTo(1);
  }

  @Test
  void aRepeatedReportChangesNothing() {
    Instant start = clock.instant();
    clock.advance(Duration.ofSeconds(1));
    commands.onRedisConnected(null, null);
    assertThat(state.since()).isEqualTo(start);
    pubsub.onRedisDisconnected(null);
    pubsub.onRedisDisconnected(null);
    pubsub.onRedisConnected(null, null);
    assertThat(state.reconnects()).isEqualTo(1);
  }
}
