package dev.switchboard.bridge.jms;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hub.Hub;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configured JMS bridges of one server, each on its own daemon thread, started together and
 * closed with the server. Built only when at least one {@code bridge.jms.<name>.*} key is set, so a
 * WAR on a container without Jakarta Messaging never loads these classes otherwise.
 */
public final class JmsBridges implements AutoCloseable {
  /**
   * How long {@link #close} waits for the bridges' threads beyond the longest sink drain: a receive
   * or a poll, and a send.
   */
  private static final Duration JOIN_MARGIN = Duration.ofSeconds(5);

  private record Running(BridgeCounters counters, Runnable closer, Duration drain, Thread thread) {}

  /** Filled by {@link #start} before any thread starts, read-only afterwards. */
  private final List<Running> running = new ArrayList<>();

  /** As {@link #running}: filled before the hub is told to forward, read-only afterwards. */
  private final List<JmsSink> sinks = new ArrayList<>();

  /**
   * Builds and starts the bridges in {@code bridges} (by name, raw options; see {@code
   * ServerConfig.jmsBridges}).
   *
   * @throws dev.switchboard.config.ConfigException for a bad option or a factory not to be had
   */
  public static JmsBridges start(Hub hub, Map<String, Map<String, String>> bridges) {
    List<JmsBridgeOptions> all = check(bridges);
    JmsBridges b = new JmsBridges();
    for (JmsBridgeOptions o : all) {
      ConnectionFactory factory = ConnectionFactories.of(o);
      BridgeCounters counters =
          new BridgeCounters(
              o.name(), o.sink() ? BridgeCounters.Type.JMS_SINK : BridgeCounters.Type.JMS_SOURCE);
      Runnable task;
      Runnable closer;
      if (o.sink()) {
        JmsSink sink = new JmsSink(o, factory, counters);
        b.sinks.add(sink);
        task = sink;
        closer = () -> sink.close(o.drainTimeout());
      } else {
        JmsSource source = new JmsSource(o, factory, hub, counters);
        task = source;
        closer = source::close;
      }
      Thread t = new Thread(task, "switchboard-jms-" + o.name());
      t.setDaemon(true);
      b.running.add(new Running(counters, closer, o.sink() ? o.drainTimeout() : Duration.ZERO, t));
    }
    if (!b.sinks.isEmpty()) {
      hub.forwardTo(b::tellSinks);
    }
    b.running.forEach(r -> r.thread.start());
    return b;
  }

  /**
   * Checks every bridge's options without connecting or looking anything up.
   *
   * @throws dev.switchboard.config.ConfigException naming the first bad option
   */
  public static List<JmsBridgeOptions> check(Map<String, Map<String, String>> bridges) {
    List<JmsBridgeOptions> all = new ArrayList<>();
    bridges.forEach((name, raw) -> all.add(JmsBridgeOptions.parse(name, raw)));
    return all;
  }

  private void tellSinks(HubEvent event) {
    for (JmsSink sink : sinks) {
      sink.on(event);
    }
  }

  /** Each bridge's name, type, state and counters, for {@code /api/stats}. */
  public List<Map<String, Object>> stats() {
    return counters().stream().map(BridgeCounters::report).toList();
  }

  /** Each bridge's counters, for the metrics. */
  public List<BridgeCounters> counters() {
    return running.stream().map(Running::counters).toList();
  }

  /** How long {@link #close} may take: the longest sink's drain, and a receive or a send. */
  public Duration closeTime() {
    return running.stream()
        .map(Running::drain)
        .max(Duration::compareTo)
        .orElse(Duration.ZERO)
        .plus(JOIN_MARGIN);
  }

  /**
   * Stops every bridge and waits for their threads: sources end within a receive, sinks once they
   * sent what was queued or their {@code drain-timeout} is up (they drain side by side).
   */
  @Override
  public void close() {
    running.forEach(r -> r.closer.run());
    long deadline = System.nanoTime() + closeTime().toNanos();
    for (Running r : running) {
      try {
        r.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
