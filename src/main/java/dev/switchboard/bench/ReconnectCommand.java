package dev.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard bench reconnect}: see {@link ReconnectBench}; bench/storm.sh restarts. */
@Command(
    name = "reconnect",
    mixinStandardHelpOptions = true,
    description =
        "Subscribed clients that reconnect like the Java client when the server restarts: the"
            + " time until all are subscribed again (hub: resumed from their positions).")
final class ReconnectCommand implements Callable<Integer> {
  @Mixin BenchCommand.Common common = new BenchCommand.Common();

  @Option(
      names = {"-c", "--conns"},
      defaultValue = "10000")
  int conns;

  @Option(
      names = "--channel",
      defaultValue = "hist:storm",
      description = "Channel prefix (hub: a namespace with history). Default: ${DEFAULT-VALUE}")
  String channel;

  @Option(names = "--channels", defaultValue = "100")
  int channels;

  @Option(names = "--concurrency", defaultValue = "200")
  int concurrency;

  @Option(
      names = "--restart-jitter-ms",
      defaultValue = "1000",
      description =
          "Delay bound after a 1012 close, as the Java client's. Default: ${DEFAULT-VALUE}")
  long restartJitterMillis;

  @Option(names = "--backoff-initial-ms", defaultValue = "200")
  long backoffInitialMillis;

  @Option(names = "--backoff-max-ms", defaultValue = "30000")
  long backoffMaxMillis;

  @Option(
      names = "--ready-file",
      description = "Written once all are subscribed: the cue to restart the server.")
  @Nullable Path readyFile;

  @Option(
      names = "--max-wait",
      defaultValue = "120",
      description = "Seconds to wait for each phase. Default: ${DEFAULT-VALUE}")
  int maxWait;

  @Override
  public Integer call() {
    return BenchCommand.emit(
        common,
        () ->
            new ReconnectBench(
                    new ReconnectBench.Options(
                        common.target(),
                        channel,
                        conns,
                        channels,
                        concurrency,
                        Duration.ofMillis(restartJitterMillis),
                        Duration.ofMillis(backoffInitialMillis),
                        Duration.ofMillis(backoffMaxMillis),
                        readyFile,
                        Duration.ofSeconds(maxWait),
                        common.label,
                        common.quiet),
                    System.err)
                .run());
  }
}
