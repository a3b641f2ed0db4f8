package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A Redis primary, one replica and three Sentinels of a test's own, on free loopback ports, without
 * persistence. Sentinels declare the primary down after one second and fail over to the replica;
 * {@link #killPrimary} is a crash ({@code kill -9}).
 */
public final class RedisSentinels implements AutoCloseable {
  /** The name the Sentinels know the primary by. */
  public static final String NAME = "sb";

  private final Path dir;
  private final int primaryPort = RedisServer.freePort();
  private final int replicaPort = RedisServer.freePort();
  private final List<Integer> sentinelPorts = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private Process primary;

  private RedisSentinels(Path dir) {
    this.dir = dir;
  }

  /** Starts everything and waits until the Sentinels know the replica and one another. */
  public static RedisSentinels start() {
    RedisSentinels s;
    try {
      s = new RedisSentinels(Files.createTempDirectory("sentinels"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      s.primary = s.server(s.primaryPort);
      s.server(s.replicaPort, "--replicaof", "127.0.0.1", Integer.toString(s.primaryPort));
      for (int i = 0; i < 3; i++) {
        s.sentinel(RedisServer.freePort());
      }
      s.awaitReady();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The URI a node is given: every Sentinel, and the primary's name. */
  public String uri() {
    StringBuilder b = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinelPorts.size(); i++) {
      b.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinelPorts.get(i));
    }
    return b.append("/0#").append(NAME).toString();
  }

  public String primaryUri() {
    return "redis://127.0.0.1:" + primaryPort + "/0";
  }

  public String replicaUri() {
    return "redis://127.0.0.1:" + replicaPort + "/0";
  }

  /** The port of the primary as the first Sentinel sees it now. */
  public int currentPrimaryPort() {
    io.lettuce.core.RedisClient client =
        io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + sentinelPorts.get(0));
    try (var sentinel = client.connectSentinel()) {
      return ((java.net.InetSocketAddress) sentinel.sync().getMasterAddrByName(NAME)).getPort();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Kills the primary with SIGKILL: whatever it had not sent to the replica is lost. */
  public void killPrimary() {
    primary.destroyForcibly();
    try {
      primary.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() {
    Awaitility.await("the replica in sync and three Sentinels that know each other")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                Redis.with(replicaUri(), r -> r.info("replication"))
                        .contains("master_link_status:up")
                    && sentinelPorts.stream()
                        .allMatch(
                            p ->
                                Redis.with("redis://127.0.0.1:" + p, r -> r.info("sentinel"))
                                    .contains("slaves=1,sentinels=3")));
  }

  private Process server(int port, String... more) {
    Process p =
        RedisServer.launch(
            RedisServer.command(port, dir, more),
            dir.resolve("log-" + port + ".txt").toFile(),
            port);
    processes.add(p);
    return p;
  }

  private void sentinel(int port) {
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    try {
      Files.writeString(
          conf,
          String.join(
              "\n",
              "port " + port,
              "bind 127.0.0.1",
              "dir " + dir,
              "sentinel monitor " + NAME + " 127.0.0.1 " + primaryPort + " 2",
              "sentinel down-after-milliseconds " + NAME + " 1000",
              "sentinel failover-timeout " + NAME + " 5000",
              "sentinel parallel-syncs " + NAME + " 1",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    launch(List.of("redis-server", conf.toString(), "--sentinel"));
    sentinelPorts.add(port);
  }

  private Process launch(List<String> command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("log-" + processes.size() + ".txt").toFile())
              .start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server (apt-get install redis-server)", e);
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
