package dev.switchboard.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard bench large}: see {@link LargeBench}. */
@Command(
    name = "large",
    mixinStandardHelpOptions = true,
    description =
        "Large binary messages, one publisher to many subscribers: bytes/s delivered, server"
            + " memory, and whether every message arrived complete.")
final class LargeCommand implements Callable<Integer> {
  @Mixin BenchCommand.Common common = new BenchCommand.Common();

  @Option(
      names = {"-s", "--subs"},
      defaultValue = "100")
  int subs;

  @Option(
      names = {"-P", "--payload"},
      defaultValue = "65536",
      description = "Payload bytes of each binary message. Default: ${DEFAULT-VALUE}")
  int payload;

  @Option(
      names = "--window",
      defaultValue = "8",
      description =
          "Publications not yet delivered to every subscriber (bounds what the server buffers)."
              + " Default: ${DEFAULT-VALUE}")
  int window;

  @Option(
      names = {"-w", "--warmup"},
      defaultValue = "2")
  int warmup;

  @Option(
      names = {"-d", "--duration"},
      defaultValue = "5")
  int duration;

  @Option(
      names = "--drain",
      defaultValue = "10",
      description = "Seconds to wait for late deliveries.")
  int drain;

  @Override
  public Integer call() {
    return BenchCommand.emit(
        common,
        () ->
            new LargeBench(
                    new LargeBench.Options(
                        common.target(),
                        subs,
                        payload,
                        window,
                        warmup,
                        duration,
                        drain,
                        common.threads,
                        common.serverPid,
                        common.label,
                        common.quiet),
                    System.err)
                .run());
  }
}
