package dev.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.Publication;
import dev.switchboard.protocol.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryBrokerTest {

  @Test
  void deliversEveryPublicationToTheHandlerAndCompletesThePublish() {
    MemoryBroker broker = new MemoryBroker();
    List<Publication> seen = new ArrayList<>();
    broker.start(seen::add);

    assertThat(broker.publish("a", new Payload.Json("1")).toCompletableFuture()).isCompleted();
    assertThat(seen).containsExactly(new Publication("a", new Payload.Json("1")));
    assertThat(broker.isReady()).isTrue();
  }

  @Test
  void refusesPublishesAfterClose() {
    MemoryBroker broker = new MemoryBroker();
    broker.start(p -> {});
    broker.close();
    assertThat(broker.publish("a", new Payload.Json("1")).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(broker.isReady()).isFalse();
  }

  @Test
  void callsForOneChannelNeverOverlapAndKeepEachPublishersOrder() throws Exception {
    MemoryBroker broker = new MemoryBroker();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Map<String, List<String>> byChannel = new ConcurrentHashMap<>();
    broker.start(
        p -> {
          if (inside.incrementAndGet() > 1 && p.channel().equals("hot")) {
            overlaps.incrementAndGet();
          }
          byChannel.computeIfAbsent(p.channel(), c -> new ArrayList<>()).add(((Payload.Json) p.payload()).json());
          inside.decrementAndGet();
        });
    int threads = 4;
    int each = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      int id = t;
      pool.execute(
          () -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              return;
            }
            for (int i = 0; i < each; i++) {
              broker.publish("hot", new Payload.Json(id + "." + i));
            }
          });
    }
    go.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    List<String> hot = byChannel.get("hot");
    assertThat(hot).hasSize(threads * each);
    assertThat(overlaps.get()).isZero();
    for (int t = 0; t < threads; t++) {
      String prefix = t + ".";
      List<String> mine = hot.stream().filter(s -> s.startsWith(prefix)).toList();
      for (int i = 0; i < each; i++) {
        assertThat(mine.get(i)).isEqualTo(prefix + i);
      }
    }
  }
}
