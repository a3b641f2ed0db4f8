package dev.switchboard.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard bench storm}: see {@link StormBench}. */
@Command(
    name = "storm",
    mixinStandardHelpOptions = true,
    description =
        "Connection storm: new connections (handshake + subscribe) per second on a ramp of"
            + " increasing steps until one fails; the highest rate with no failure, its handshake"
            + " latency and what failed first.")
final class StormCommand implements Callable<Integer> {
  @Mixin BenchCommand.Common common = new BenchCommand.Common();

  @Option(names = "--channel", defaultValue = "storm")
  String channel;

  @Option(
      names = "--start-rate",
      defaultValue = "200",
      description = "Connections per second of the first step. Default: ${DEFAULT-VALUE}")
  int startRate;

  @Option(
      names = "--factor",
      defaultValue = "1.4",
      description = "Each step offers this many times the rate before. Default: ${DEFAULT-VALUE}")
  double factor;

  @Option(
      names = "--step-ms",
      defaultValue = "1000",
      description = "Length of each step. Default: ${DEFAULT-VALUE}")
  long stepMillis;

  @Option(
      names = {"-d", "--max-duration"},
      defaultValue = "15",
      description = "Seconds after which the ramp stops anyway. Default: ${DEFAULT-VALUE}")
  int maxSeconds;

  @Option(
      names = "--timeout-ms",
      defaultValue = "2000",
      description = "A connection not subscribed by then failed. Default: ${DEFAULT-VALUE}")
  long timeoutMillis;

  @Option(
      names = "--max-in-flight",
      defaultValue = "5000",
      description =
          "Connections in flight at most (bounds file descriptors). Default: ${DEFAULT-VALUE}")
  int maxInFlight;

  @Override
  public Integer call() {
    return BenchCommand.emit(
        common,
        () ->
            new StormBench(
                    new StormBench.Options(
                        common.target(),
                        channel,
                        startRate,
                        factor,
                        Duration.ofMillis(stepMillis),
                        Duration.ofSeconds(maxSeconds),
                        Duration.ofMillis(timeoutMillis),
                        maxInFlight,
                        common.serverPid,
                        common.label,
                        common.quiet),
                    System.err)
                .run());
  }
}
