package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.EngineStatus;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Redis engine of a node that started before its Redis, on a Redis of the test's own. */
class PendingRedisBrokerTest {
  private final RedisServer redis = RedisServer.reserve();
  private final RecordingHandler handler = new RecordingHandler();
  private RedisEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.presence().close();
      engine.broker().close();
    }
    redis.close();
  }

  private RedisEngine open() {
    engine =
        RedisEngine.open(
            Redis.options(redis.uri(), "pending:", InstantSource.system()), Duration.ofMillis(300));
    engine.broker().start(handler);
    return engine;
  }

  private void assertRefused(CompletionStage<?> stage) {
    assertThatThrownBy(() -> stage.toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageStartingWith("Redis is not reachable yet: cannot reach Redis at " + redis.uri());
  }

  @Test
  void untilRedisAnswersEveryCallThatNeedsItIsRefusedThenEverythingGoesToRedis() {
    RedisEngine e = open();
    assertThat(e.broker()).isInstanceOf(PendingRedisBroker.class);
    EngineStatus status = e.broker().status();
    ClientInfo ann = new ClientInfo("a1", "ann", null);

    assertThat(e.broker().isReady()).isFalse();
    assertThat(status.link()).isEqualTo(EngineStatus.Link.DOWN);
    assertThat(status.since()).isNotNull();
    assertThat(e.broker().stats()).containsEntry("ready", false).containsKey("connect_error");
    assertRefused(e.broker().publish("news", new Payload.Json("1"), PublishOptions.NONE));
    assertRefused(e.broker().history("news", HistoryQuery.POSITION));
    assertRefused(e.broker().subscribe("news"));
    assertRefused(e.broker().publishJoin("news", ann));
    assertRefused(e.presence().add("news", ann));
    assertRefused(e.presence().presence("news"));
    // The hub withdraws a refused subscription: nothing to undo.
    e.broker().unsubscribe("news").toCompletableFuture().join();

    redis.startAgain();
    await().atMost(Duration.ofSeconds(30)).until(e.broker()::isReady);

    assertThat(status.link()).isEqualTo(EngineStatus.Link.UP); // the same object, as metrics keep
    assertThat(e.broker().stats()).containsEntry("ready", true).doesNotContainKey("connect_error");
    e.broker().subscribe("news").toCompletableFuture().join();
    e.broker()
        .publish("news", new Payload.Json("2"), PublishOptions.NONE)
        .toCompletableFuture()
        .join();
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.publications("news").size() == 1);
    e.presence().add("news", ann).toCompletableFuture().join();
    assertThat(e.presence().presence("news").toCompletableFuture().join()).containsExactly(ann);
  }

  @Test
  void closedBeforeRedisAnswersItNeverConnects() {
    RedisEngine e = open();
    e.presence().close();
    e.broker().close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("switchboard-redis-connect")));

    redis.startAgain();

    assertThat(e.broker().isReady()).isFalse();
    assertThat(Redis.with(redis.uri(), r -> r.clientList()).lines().count())
        .as("only the test's own connection")
        .isEqualTo(1);
  }
}
