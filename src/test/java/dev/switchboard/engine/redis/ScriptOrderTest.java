package dev.switchboard.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.Publication;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's pipelined publications to a channel are applied in the order it issued them, also when
 * Redis forgot the engine's scripts (restart, {@code SCRIPT FLUSH}): publications sent by digest
 * then fail with NOSCRIPT and are sent again with the script's text, and the ones issued after them
 * must not overtake them. Two nodes publish at once, so that one's reloading of a script cannot let
 * the other's pipelined publications through out of order either.
 *
 * <p>Each round flushes the scripts of a Redis of the test's own and issues many publishes without
 * waiting, large enough that Redis' NOSCRIPT answers arrive in several reads.
 */
class ScriptOrderTest {
  private static final PublishOptions HISTORY =
      new PublishOptions(100_000, Duration.ofMinutes(10), null);
  private static final int ROUNDS = 5;
  private static final int PER_ROUND = 2_000;
  private static final String PAD = "x".repeat(300);

  private RedisServer redis;
  private RedisBroker first;
  private RedisBroker second;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    first = RedisBroker.open(Redis.options(redis.uri(), "order:", InstantSource.system()));
    first.start(new RecordingHandler());
    second = RedisBroker.open(Redis.options(redis.uri(), "order:", InstantSource.system()));
    second.start(new RecordingHandler());
  }

  @AfterEach
  void stop() {
    second.close();
    first.close();
    redis.close();
  }

  @Test
  void pipelinedPublicationsKeepTheirOrderAfterTheScriptsAreFlushed() throws Exception {
    long issued = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long resentBefore = resent(first) + resent(second);
      Redis.with(redis.uri(), r -> r.scriptFlush());
      publishAll(issued);
      issued += PER_ROUND;
      assertThat(resent(first) + resent(second))
          .as("round %d: calls resent after NOSCRIPT", round)
          .isGreaterThan(resentBefore);
      assertInIssueOrder(numbersIn(first, "a"), issued, round);
      assertInIssueOrder(numbersIn(second, "b"), issued, round);
    }
  }

  @Test
  void onceTheScriptsAreBackCallsGoByDigestAgain() throws Exception {
    Redis.with(redis.uri(), r -> r.scriptFlush());
    publishAll(0);
    assertThat(resent(first)).as("resent after the flush").isPositive();
    long resent = resent(first);

    Redis.with(redis.uri(), r -> r.configResetstat());
    publishAll(PER_ROUND);
    String stats = Redis.with(redis.uri(), r -> r.info("commandstats"));
    assertThat(stats).contains("cmdstat_evalsha:calls=" + 2 * PER_ROUND + ",");
    assertThat(stats).doesNotContain("cmdstat_eval:");
    assertThat(resent(first)).isEqualTo(resent);
  }

  /** Publishes PER_ROUND numbers from {@code from} on each node, pipelined, and waits for all. */
  private void publishAll(long from) throws Exception {
    List<CompletableFuture<PublishResult>> results = new ArrayList<>();
    for (int i = 0; i < PER_ROUND; i++) {
      results.add(publish(first, "a", from + i));
      results.add(publish(second, "b", from + i));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  private static CompletableFuture<PublishResult> publish(RedisBroker b, String channel, long n) {
    return b.publish(channel, new Payload.Json("\"" + n + PAD + "\""), HISTORY)
        .toCompletableFuture();
  }

  /** The numbers of the channel's publications, in history (offset) order. */
  private static List<Long> numbersIn(RedisBroker b, String channel) {
    List<Long> out = new ArrayList<>();
    for (Publication p :
        b.history(channel, new HistoryQuery(null, 100_000, false))
            .toCompletableFuture()
            .join()
            .publications()) {
      String json = ((Payload.Json) p.payload()).json();
      out.add(Long.parseLong(json.substring(1, json.indexOf('x'))));
    }
    return out;
  }

  private static long resent(RedisBroker b) {
    return (Long) b.stats().get("scripts_resent");
  }

  /** The history holds 0 .. issued-1 in that order; a failure names the first misplaced one. */
  private static void assertInIssueOrder(List<Long> history, long issued, int round) {
    assertThat(history).as("round %d: history size", round).hasSize((int) issued);
    for (int at = 0; at < history.size(); at++) {
      assertThat(history.get(at))
          .as("round %d: publication at offset %d", round, at + 1)
          .isEqualTo(at);
    }
  }
}
