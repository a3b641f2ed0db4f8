package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.awaitility.Awaitility;

/**
 * A real Kafka broker in KRaft mode (one node, broker and controller), run from the kafka_2.13
 * artifact on the test class path in a JVM of its own: the storage is formatted with {@code
 * kafka.tools.StorageTool}, then {@code kafka.Kafka} serves on a free 127.0.0.1 port. Its log
 * directory is a temporary one; {@link #close()} kills the process.
 */
public final class KafkaBroker implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private KafkaBroker(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Formats a fresh storage directory, starts the broker and waits until it answers. */
  public static KafkaBroker start() {
    try {
      Path dir = Files.createTempDirectory("kafka-broker");
      int port = freePort();
      int controller = freePort();
      Properties p = new Properties();
      p.setProperty("process.roles", "broker,controller");
      p.setProperty("node.id", "1");
      p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controller);
      p.setProperty(
          "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
      p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      p.setProperty("controller.listener.names", "CONTROLLER");
      p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.setProperty("log.dirs", dir.resolve("data").toString());
      p.setProperty("offsets.topic.replication.factor", "1");
      p.setProperty("offsets.topic.num.partitions", "1");
      p.setProperty("transaction.state.log.replication.factor", "1");
      p.setProperty("transaction.state.log.min.isr", "1");
      p.setProperty("share.coordinator.state.topic.replication.factor", "1");
      p.setProperty("group.initial.rebalance.delay.ms", "0");
      // Bridges in tests use short session timeouts so a killed node's partitions move soon.
      p.setProperty("group.min.session.timeout.ms", "1000");
      p.setProperty("auto.create.topics.enable", "false");
      Path props = dir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(props)) {
        p.store(out, "test broker");
      }
      Path log = dir.resolve("broker.log");
      run(
          List.of(
              "kafka.tools.StorageTool",
              "format",
              "-t",
              UUID.randomUUID().toString().replace("-", "").substring(0, 22),
              "-c",
              props.toString(),
              "--standalone"),
          dir.resolve("format.log"));
      Process broker = java(List.of("kafka.Kafka", props.toString()), log);
      KafkaBroker b = new KafkaBroker(broker, dir, port);
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(45))
            .ignoreExceptions()
            .until(
                () -> {
                  if (!broker.isAlive()) {
                    throw new IllegalStateException("broker died:\n" + Files.readString(log));
                  }
                  try (Admin a = b.admin()) {
                    return !a.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                  }
                });
      } catch (RuntimeException e) {
        b.close();
        throw new IllegalStateException("the broker did not start:\n" + Files.readString(log), e);
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** An admin client; the caller closes it. */
  public Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            10000));
  }

  /** Creates {@code topic} with {@code partitions} partitions and waits until it exists. */
  public void createTopic(String topic, int partitions) {
    try (Admin a = admin()) {
      a.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The broker's output so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("broker.log"));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private static void run(List<String> args, Path log) throws IOException {
    Process p = java(args, log);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(args.get(0) + " failed:\n" + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Process java(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // A short-lived broker: the quick compiler and the serial collector start it sooner.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
