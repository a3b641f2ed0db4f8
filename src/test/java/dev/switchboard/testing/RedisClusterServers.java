package dev.switchboard.testing;

import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A Redis Cluster of a test's own: {@code primaries} primaries, each with {@code replicas}
 * replicas, on free loopback ports, without persistence. Nodes time out after one second, so a
 * replica takes over about two seconds after {@link #killPrimaryOf} (a crash, {@code kill -9}).
 */
public final class RedisClusterServers implements AutoCloseable {
  /**
   * Ports are chosen below this bound: a node also listens on its port + 10000 for the cluster bus,
   * and both must be free and valid.
   */
  private static final int HIGHEST_PORT = 30000;

  private final Path dir;

  /** Port -> process, in start order. */
  private final Map<Integer, Process> nodes = new LinkedHashMap<>();

  private RedisClusterServers(Path dir) {
    this.dir = dir;
  }

  /** Starts the nodes, creates the cluster and waits until every node reports it ok. */
  public static RedisClusterServers start(int primaries, int replicas) {
    RedisClusterServers c;
    try {
      c = new RedisClusterServers(Files.createTempDirectory("redis-cluster"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      for (int i = 0; i < primaries * (1 + replicas); i++) {
        c.server(clusterFreePort());
      }
      c.create(replicas);
      c.awaitOk();
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The seed URI a node is given: every node of the cluster. */
  public String uri() {
    StringBuilder b = new StringBuilder("redis-cluster://");
    int i = 0;
    for (int port : nodes.keySet()) {
      b.append(i++ == 0 ? "" : ",").append("127.0.0.1:").append(port);
    }
    return b.toString();
  }

  /** The port of the primary that serves {@code slot} now. */
  public int primaryPortOf(int slot) {
    for (int port : livePorts()) {
      String shards = Redis.with(nodeUri(port), r -> r.clusterNodes());
      for (String line : shards.split("\n")) {
        String[] f = line.split(" ");
        if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
          continue;
        }
        for (int i = 8; i < f.length; i++) {
          if (f[i].startsWith("[")) {
            continue; // a slot being migrated
          }
          String[] range = f[i].split("-");
          int from = Integer.parseInt(range[0]);
          int to = range.length == 1 ? from : Integer.parseInt(range[1]);
          if (slot >= from && slot <= to) {
            return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
          }
        }
      }
      break; // the first live node's view is enough
    }
    throw new IllegalStateException("no live primary serves slot " + slot);
  }

  /** The port of the primary that serves {@code key} now. */
  public int primaryPortOf(String key) {
    return primaryPortOf(SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Kills the primary serving {@code key} with SIGKILL (whatever it had not sent to its replica is
   * lost) and waits until the cluster is ok again, a replica promoted in its place.
   *
   * @return the killed primary's port
   */
  public int killPrimaryOf(String key) {
    int port = primaryPortOf(key);
    Process p = nodes.get(port);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Awaitility.await("a replica promoted in place of the primary on port " + port)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> primaryPortOf(key) != port && allOk());
    return port;
  }

  /** The nodes still running. */
  public List<Integer> livePorts() {
    List<Integer> live = new ArrayList<>();
    nodes.forEach(
        (port, p) -> {
          if (p.isAlive()) {
            live.add(port);
          }
        });
    return live;
  }

  public static String nodeUri(int port) {
    return "redis://127.0.0.1:" + port;
  }

  private void create(int replicas) {
    List<String> command = new ArrayList<>();
    if (nodes.size() == 1) {
      // redis-cli creates clusters of three primaries or more; one node just takes every slot.
      int port = nodes.keySet().iterator().next();
      command.addAll(
          List.of(
              "redis-cli", "-p", Integer.toString(port), "CLUSTER", "ADDSLOTSRANGE", "0", "16383"));
    } else {
      command.addAll(List.of("redis-cli", "--cluster", "create"));
      nodes.keySet().forEach(port -> command.add("127.0.0.1:" + port));
      command.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
    }
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("create.txt").toFile())
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "redis-cli --cluster create failed: " + Files.readString(dir.resolve("create.txt")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitOk() {
    Awaitility.await("cluster_state:ok on every node, every replica in sync")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(this::allOk);
  }

  private boolean allOk() {
    for (int port : livePorts()) {
      String uri = nodeUri(port);
      String info = Redis.with(uri, r -> r.clusterInfo());
      if (!info.contains("cluster_state:ok")) {
        return false;
      }
      String replication = Redis.with(uri, r -> r.info("replication"));
      if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
        return false;
      }
    }
    return true;
  }

  private void server(int port) {
    List<String> command =
        RedisServer.command(
            port,
            dir,
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            dir.resolve("nodes-" + port + ".conf").toString(),
            "--cluster-node-timeout",
            "1000");
    nodes.put(
        port, RedisServer.launch(command, dir.resolve("log-" + port + ".txt").toFile(), port));
  }

  /** A free port whose cluster bus port (+ 10000) is free too, both outside the ephemeral range. */
  private static int clusterFreePort() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(10000, HIGHEST_PORT - 10000);
      if (free(port) && free(port + 10000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port pair for a cluster node");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (Process p : nodes.values()) {
      p.destroyForcibly();
    }
    for (Process p : nodes.values()) {
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
