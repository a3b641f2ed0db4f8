package dev.switchboard.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard bench <workload>}: the load generator; loopback only, every run bounded. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Load generator: fan-out, echo, idle and connect benchmarks against loopback servers.",
    subcommands = {
      BenchCommand.Fanout.class,
      BenchCommand.Echo.class,
      BenchCommand.Idle.class,
      BenchCommand.Connect.class,
      BenchCommand.Stall.class,
      SilentCommand.class,
      RoomsCommand.class,
      LargeCommand.class,
      StormCommand.class,
      ReconnectCommand.class,
      ReportCommand.class
    })
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Options every load-generating benchmark takes. */
  static final class Common {
    @Option(
        names = "--url",
        defaultValue = "ws://127.0.0.1:8080",
        description = "Server base URL (loopback only). Default: ${DEFAULT-VALUE}")
    String url;

    @Option(
        names = "--dialect",
        defaultValue = "hub",
        description = "hub, raw or socketio. Default: ${DEFAULT-VALUE}")
    String dialect;

    @Option(
        names = "--threads",
        defaultValue = "1",
        description = "Selector threads of the load generator. Default: ${DEFAULT-VALUE}")
    int threads;

    @Option(
        names = "--src-addrs",
        defaultValue = "1",
        description = "Spread connections over 127.0.0.1..127.0.0.N. Default: ${DEFAULT-VALUE}")
    int srcAddrs;

    @Option(
        names = "--deflate",
        description = "Offer permessage-deflate and inflate what arrives compressed.")
    boolean deflate;

    @Option(names = "--origin", description = "Origin header to send.")
    @Nullable String origin;

    @Option(
        names = "--server-pid",
        defaultValue = "0",
        description = "Server PID: sample its CPU and memory.")
    long serverPid;

    @Option(
        names = "--label",
        defaultValue = "-",
        description = "Label copied into the RESULT line.")
    String label;

    @Option(names = "--result-file", description = "Append the RESULT line to this file.")
    @Nullable Path resultFile;

    @Option(
        names = {"-q", "--quiet"},
        description = "No progress bar.")
    boolean quiet;

    Target target() {
      return target(url);
    }

    Target target(String other) {
      return Target.of(other, srcAddrs, Dialect.parse(dialect), origin, deflate);
    }
  }

  /** Runs a benchmark body and prints its result; exit code 0, or 1 when it could not run. */
  static int emit(Common c, Callable<Map<String, Object>> body) {
    try {
      Results.emit(body.call(), System.out, System.err, c.resultFile);
      return 0;
    } catch (Exception e) { // a bad argument or state says what; anything else says what it is
      boolean told = e instanceof IllegalArgumentException || e instanceof IllegalStateException;
      System.err.println("\nbench: " + (told ? e.getMessage() : e));
      return 1;
    }
  }

  @Command(
      name = "fanout",
      mixinStandardHelpOptions = true,
      description = "Publishers to many subscribers: deliveries/s, latency, loss, order.")
  static final class Fanout implements Callable<Integer> {
    @Mixin Common common = new Common();

    @Option(
        names = {"-s", "--subs"},
        defaultValue = "1000")
    int subs;

    @Option(
        names = {"-k", "--pubs"},
        defaultValue = "1")
    int pubs;

    @Option(
        names = {"-P", "--payload"},
        defaultValue = "64",
        description = "Payload bytes. Default: ${DEFAULT-VALUE}")
    int payload;

    @Option(
        names = "--window",
        defaultValue = "64",
        description = "Undelivered publications allowed per publisher. Default: ${DEFAULT-VALUE}")
    int window;

    @Option(
        names = {"-r", "--rate"},
        defaultValue = "0",
        description = "Publications/s over all publishers; 0 = as fast as the window allows.")
    int rate;

    @Option(
        names = {"-w", "--warmup"},
        defaultValue = "3")
    int warmup;

    @Option(
        names = {"-d", "--duration"},
        defaultValue = "10")
    int duration;

    @Option(
        names = "--drain",
        defaultValue = "5",
        description = "Seconds to wait for late deliveries.")
    int drain;

    @Option(names = "--channel", defaultValue = "bench")
    String channel;

    @Option(
        names = "--coalesce-us",
        defaultValue = "0",
        description =
            "Pause (µs) after a busy reactor turn so reads gather more frames; adds up to that much"
                + " latency.")
    int coalesceUs;

    @Option(
        names = "--pub-url",
        description = "Publishers connect here instead (another node of a cluster). Default: --url")
    @Nullable String pubUrl;

    @Override
    public Integer call() {
      Target pubTarget = pubUrl == null ? common.target() : common.target(pubUrl);
      return emit(
          common,
          () ->
              new FanoutBench(
                      new FanoutBench.Options(
                          common.target(),
                          pubTarget,
                          channel,
                          subs,
                          pubs,
                          payload,
                          window,
                          rate,
                          warmup,
                          duration,
                          drain,
                          common.threads,
                          common.serverPid,
                          common.label,
                          common.quiet,
                          coalesceUs),
                      System.err)
                  .run());
    }
  }

  @Command(
      name = "echo",
      mixinStandardHelpOptions = true,
      description = "Connections echoing messages: messages/s and round-trip latency.")
  static final class Echo implements Callable<Integer> {
    @Mixin Common common = new Common();

    @Option(
        names = {"-c", "--conns"},
        defaultValue = "100")
    int conns;

    @Option(
        names = {"-P", "--payload"},
        defaultValue = "32")
    int payload;

    @Option(
        names = "--pipeline",
        defaultValue = "1",
        description = "Messages in flight per connection.")
    int pipeline;

    @Option(names = "--path", description = "Echo path (default: /echo, or the Socket.IO path).")
    @Nullable String path;

    @Option(
        names = {"-w", "--warmup"},
        defaultValue = "3")
    int warmup;

    @Option(
        names = {"-d", "--duration"},
        defaultValue = "10")
    int duration;

    @Override
    public Integer call() {
      return emit(
          common,
          () ->
              new EchoBench(
                      new EchoBench.Options(
                          common.target(),
                          path,
                          conns,
                          payload,
                          pipeline,
                          warmup,
                          duration,
                          common.threads,
                          common.serverPid,
                          common.label,
                          common.quiet),
                      System.err)
                  .run());
    }
  }

  @Command(
      name = "idle",
      mixinStandardHelpOptions = true,
      description = "Many subscribed connections held with heartbeats: memory per connection.")
  static final class Idle implements Callable<Integer> {
    @Mixin Common common = new Common();

    @Option(
        names = {"-c", "--conns"},
        defaultValue = "10000")
    int conns;

    @Option(
        names = "--concurrency",
        defaultValue = "256",
        description = "Handshakes in progress at once.")
    int concurrency;

    @Option(
        names = "--channels",
        defaultValue = "100",
        description = "Hub: spread subscriptions over this many channels.")
    int channels;

    @Option(names = "--hold", defaultValue = "30", description = "Seconds to hold the connections.")
    int hold;

    @Option(names = "--heartbeat", defaultValue = "15", description = "Seconds between heartbeats.")
    int heartbeat;

    @Override
    public Integer call() {
      return emit(
          common,
          () ->
              new IdleBench(
                      new IdleBench.Options(
                          common.target(),
                          conns,
                          concurrency,
                          channels,
                          hold,
                          heartbeat,
                          common.serverPid,
                          common.label,
                          common.quiet),
                      System.err)
                  .run());
    }
  }

  @Command(
      name = "connect",
      mixinStandardHelpOptions = true,
      description = "Handshakes per second and handshake latency.")
  static final class Connect implements Callable<Integer> {
    @Mixin Common common = new Common();

    @Option(
        names = {"-c", "--conns"},
        defaultValue = "5000")
    int conns;

    @Option(names = "--concurrency", defaultValue = "256")
    int concurrency;

    @Option(
        names = "--path",
        description = "Path to connect to (default: the dialect's subscriber path).")
    @Nullable String path;

    @Override
    public Integer call() {
      return emit(
          common,
          () ->
              new ConnectBench(
                      new ConnectBench.Options(
                          common.target(),
                          path,
                          conns,
                          concurrency,
                          common.serverPid,
                          common.label,
                          common.quiet),
                      System.err)
                  .run());
    }
  }

  @Command(
      name = "stall",
      mixinStandardHelpOptions = true,
      description = "Clients that subscribe and never read again (run beside fanout).")
  static final class Stall implements Callable<Integer> {
    @Mixin Common common = new Common();

    @Option(
        names = {"-c", "--conns"},
        defaultValue = "2000")
    int conns;

    @Option(names = "--channel", defaultValue = "bench")
    String channel;

    @Option(
        names = "--rcvbuf",
        defaultValue = "4096",
        description =
            "Receive buffer of each connection in bytes, 0 for the OS default. Default:"
                + " ${DEFAULT-VALUE}")
    int rcvbuf;

    @Option(
        names = "--hold",
        defaultValue = "30",
        description = "Seconds to hold the stalled connections. Default: ${DEFAULT-VALUE}")
    int hold;

    @Override
    public Integer call() {
      return emit(
          common,
          () ->
              new StallBench(
                      new StallBench.Options(
                          common.target(), channel, conns, rcvbuf, hold, common.label),
                      System.err)
                  .run());
    }
  }
}
