package dev.switchboard.cli;

import dev.switchboard.bench.BenchCommand;
import dev.switchboard.server.Node;
import java.io.InputStream;
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
    return ServeCommand.serve(options, spec.commandLine().getErr());
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.in).execute(args));
  }

  /**
   * The command line as {@link #main} runs it, reading {@code stdin} where a command reads input
   * (tests pass their own). Bad arguments print one line and exit 64, as the README promises.
   */
  static CommandLine commandLine(InputStream stdin) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == EchoCommand.class ? cls.cast(new EchoCommand(stdin)) : defaults.create(cls);
      }
    };
    CommandLine cli = new CommandLine(new Main(), factory);
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("switchboard: " + ex.getMessage() + " (try --help)");
          ex.getCommandLine().getErr().flush();
          return ExitCodes.USAGE;
        });
    return cli;
  }

  /** Reports the jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"switchboard " + Node.version()};
    }
  }
}
