package dev.switchboard.cli;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.bench.BenchCommand;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar switchboard.jar}: with no command, starts the server like {@code serve}.
 *
 * <p>The subcommands are added only when the arguments need them. Picocli builds every subcommand's
 * model up front, instantiating each command (and the bench and client classes, and a Jackson
 * {@code ObjectMapper} per command) by reflection: about 1,200 classes, a third of what the server
 * loads, and the largest single share of start-up on a busy machine (docs/PERFORMANCE.md,
 * "Start-up"). Plain {@code java -jar switchboard.jar [--host H] [--port N] [--config F]} parses
 * without them.
 */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Real-time channels over Jakarta WebSocket.")
public final class Main implements Callable<Integer> {
  /** Added to the command line only when the arguments are not just the server's options. */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          ServeCommand.class,
          SubCommand.class,
          PubCommand.class,
          EchoCommand.class,
          BenchCommand.class);

  @Mixin ServeOptions options = new ServeOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return ServeCommand.serve(options, spec.commandLine().getErr(), System.getenv());
  }

  public static void main(String[] args) {
    // Before any command logs: Logback without a configuration writes DEBUG to standard output,
    // where the client commands print what they receive. The server configures it again from its
    // settings (log.format, log.level).
    Logging.configure("text", "warn");
    System.exit(commandLine(System.in, args).execute(args));
  }

  /** The command line for {@code args}, reading standard input where a command reads input. */
  static CommandLine commandLine(String... args) {
    return commandLine(System.in, args);
  }

  /**
   * The command line with every subcommand, reading {@code stdin} where a command reads input
   * (tests pass their own).
   */
  static CommandLine commandLine(InputStream stdin) {
    return full(stdin);
  }

  /**
   * The command line for {@code args}: the server's options alone when they parse and ask for no
   * help, otherwise every subcommand as well (a subcommand name, a typo to suggest a fix for,
   * {@code --help} that lists them). Bad arguments print one line and exit 64, as the README
   * promises.
   */
  static CommandLine commandLine(InputStream stdin, String... args) {
    return serverOptionsOnly(args) ? build(stdin) : full(stdin);
  }

  private static CommandLine full(InputStream stdin) {
    CommandLine full = build(stdin);
    SUBCOMMANDS.forEach(full::addSubcommand); // instantiated through build's factory
    return full;
  }

  private static boolean serverOptionsOnly(String[] args) {
    try {
      CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args);
      return !parsed.isUsageHelpRequested() && !parsed.isVersionHelpRequested();
    } catch (CommandLine.ParameterException e) {
      return false;
    }
  }

  private static CommandLine build(InputStream stdin) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            return cls == EchoCommand.class
                ? cls.cast(new EchoCommand(stdin))
                : defaults.create(cls);
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
      return new String[] {"switchboard " + ServerAssembly.version()};
    }
  }
}
