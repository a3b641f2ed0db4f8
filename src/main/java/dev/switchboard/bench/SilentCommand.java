package dev.switchboard.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard bench silent}: see {@link SilentBench}. */
@Command(
    name = "silent",
    mixinStandardHelpOptions = true,
    description =
        "Connections that never complete a request (nothing sent, or a partial head): does the"
            + " node still serve, and does it close them at its handshake timeout?")
final class SilentCommand implements Callable<Integer> {
  @Mixin BenchCommand.Common common = new BenchCommand.Common();

  @Option(
      names = {"-c", "--conns"},
      defaultValue = "500")
  int conns;

  @Option(
      names = "--partial",
      description = "Send a partial request head first (slowloris) instead of nothing.")
  boolean partial;

  @Option(
      names = "--max-wait",
      defaultValue = "60",
      description =
          "Seconds to wait for the server to close them all before giving up. Default:"
              + " ${DEFAULT-VALUE}")
  int maxWait;

  @Override
  public Integer call() {
    return BenchCommand.emit(
        common,
        () ->
            new SilentBench(
                    new SilentBench.Options(
                        common.target(),
                        conns,
                        partial,
                        Duration.ofSeconds(maxWait),
                        common.serverPid,
                        common.label),
                    System.err)
                .run());
  }
}
