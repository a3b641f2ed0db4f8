package dev.switchboard.cluster;

import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.redis.RedisBroker;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.RecordingHandler;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisClusterServers;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publications with history per second through the Redis engine on a Redis Cluster of one primary
 * and of three primaries: one node, {@code CHANNELS} channels, at most {@code IN_FLIGHT} publishes
 * outstanding. A program to run by hand on a quiet machine, not a test: it asserts nothing.
 *
 * <p>{@code java -cp target/classes:target/test-classes:<test classpath>
 * dev.switchboard.cluster.ClusterThroughput [publications]}
 */
public final class ClusterThroughput {
  private static final int CHANNELS = 64;
  private static final int IN_FLIGHT = 256;
  private static final PublishOptions HISTORY =
      new PublishOptions(100, Duration.ofMinutes(10), null);

  private ClusterThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    for (int primaries : new int[] {1, 3}) {
      try (RedisClusterServers cluster = RedisClusterServers.start(primaries, 0)) {
        RedisBroker broker =
            RedisBroker.open(Redis.options(cluster.uri(), "bench:", InstantSource.system()));
        try {
          broker.start(new RecordingHandler());
          run(broker, n / 10); // warm-up: JIT, scripts loaded, connections open
          long start = System.nanoTime();
          run(broker, n);
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              "%d primar%s: %d publications with history in %.2f s = %.0f publications/s%n",
              primaries, primaries == 1 ? "y" : "ies", n, seconds, n / seconds);
        } finally {
          broker.close();
        }
      }
    }
  }

  private static void run(RedisBroker broker, int n) throws InterruptedException {
    Semaphore window = new Semaphore(IN_FLIGHT);
    AtomicInteger failed = new AtomicInteger();
    Payload payload = new Payload.Json("{\"price\":12345,\"symbol\":\"ABCD\"}");
    for (int i = 0; i < n; i++) {
      window.acquire();
      broker
          .publish("bench:c" + (i % CHANNELS), payload, HISTORY)
          .whenComplete(
              (r, f) -> {
                if (f != null) {
                  failed.incrementAndGet();
                }
                window.release();
              });
    }
    window.acquire(IN_FLIGHT);
    if (failed.get() > 0) {
      System.out.println(failed.get() + " publishes failed");
    }
  }
}
