package dev.switchboard.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard bench rooms}: see {@link RoomsBench}. */
@Command(
    name = "rooms",
    mixinStandardHelpOptions = true,
    description =
        "Many rooms (a chat): rooms × subscribers, each publisher to its own room; deliveries/s at"
            + " saturation, then latency and loss at a fixed rate.")
final class RoomsCommand implements Callable<Integer> {
  @Mixin BenchCommand.Common common = new BenchCommand.Common();

  /**
   * 1,800 rooms of 10 and 1,000 publishers are 19,000 connections: what fits under an open-file
   * limit of 20,000 in the load generator (and the server) with room for the rest of the process.
   */
  @Option(
      names = "--rooms",
      defaultValue = "1800",
      description = "Rooms (channels). Default: ${DEFAULT-VALUE}")
  int rooms;

  @Option(
      names = "--subs-per-room",
      defaultValue = "10",
      description = "Subscribers per room. Default: ${DEFAULT-VALUE}")
  int subsPerRoom;

  @Option(
      names = {"-k", "--pubs"},
      defaultValue = "1000",
      description = "Publishers, each to a room of its own. Default: ${DEFAULT-VALUE}")
  int pubs;

  @Option(
      names = {"-P", "--payload"},
      defaultValue = "64",
      description = "Payload bytes. Default: ${DEFAULT-VALUE}")
  int payload;

  @Option(
      names = "--window",
      defaultValue = "4",
      description =
          "Saturation phase: publications per publisher not yet delivered to its whole room; 0"
              + " skips the phase. Default: ${DEFAULT-VALUE}")
  int window;

  @Option(
      names = {"-r", "--rate"},
      defaultValue = "10000",
      description =
          "Fixed-rate phase: publications/s over all publishers; 0 skips the phase. Default:"
              + " ${DEFAULT-VALUE}")
  int rate;

  @Option(
      names = {"-w", "--warmup"},
      defaultValue = "2",
      description = "Seconds of warm-up per phase. Default: ${DEFAULT-VALUE}")
  int warmup;

  @Option(
      names = {"-d", "--duration"},
      defaultValue = "5",
      description = "Seconds measured per phase. Default: ${DEFAULT-VALUE}")
  int duration;

  @Option(
      names = "--drain",
      defaultValue = "5",
      description = "Seconds to wait for late deliveries after each phase.")
  int drain;

  @Override
  public Integer call() {
    return BenchCommand.emit(
        common,
        () ->
            new RoomsBench(
                    new RoomsBench.Options(
                        common.target(),
                        rooms,
                        subsPerRoom,
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
                        common.quiet),
                    System.err)
                .run());
  }
}
