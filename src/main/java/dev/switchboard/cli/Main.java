package dev.switchboard.cli;

import dev.switchboard.bench.BenchCommand;
import dev.switchboard.server.Node;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code java -jar switchboard.jar}: with no command, starts the server like {@code serve}. */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Real-time channels over Jakarta WebSocket.",
    subcommands = {ServeCommand.class, SubCommand.class, PubCommand.class, EchoCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {
  @Mixin ServeOptions options = new ServeOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return ServeCommand.serve(options, spec.commandLine().getErr(), System.getenv());
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("switchboard: " + ex.getMessage());
          ex.getCommandLine().getErr().println("Try --help.");
          return ExitCodes.USAGE;
        });
    System.exit(cli.execute(args));
  }

  /** Reports the jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"switchboard " + Node.version()};
    }
  }
}
