package dev.switchboard.cli;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.EngineKeys;
import dev.switchboard.config.LogKeys;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.ServerKeys;
import dev.switchboard.config.Settings;
import dev.switchboard.engine.redis.RedisUnavailableException;
import dev.switchboard.standalone.StandaloneServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Starts the standalone server and runs until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Start the standalone server (the default when no command is given).")
final class ServeCommand implements Callable<Integer> {
  /**
   * Extra time for the JVM to exit after the stop, before the watchdog halts it. The whole stop
   * (drain, spread, waiting for clients) fits in {@code shutdown.timeout}, the server checks that
   * at start-up; flushing the last close frames may add a fraction of a second. The JMS sinks'
   * {@code drain-timeout} comes on top ({@link ServerAssembly#closeTime}).
   */
  private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

  @Mixin ServeOptions options = new ServeOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return serve(options, spec.commandLine().getErr(), System.getenv());
  }

  /**
   * Starts the server and waits for it to stop.
   *
   * @param env the environment (System.getenv() in production; a map in tests)
   */
  static int serve(ServeOptions options, PrintWriter err, Map<String, String> env) {
    ServerConfig config;
    try {
      Path file = options.config != null ? options.config : configFromEnvironment(env);
      Settings settings = Settings.load(file, env, System.getProperties(), options.asSettings());
      // Before validation, so a typo is named even when another value stops start-up.
      settings.warnings().forEach(w -> err.println("switchboard: warning: " + w));
      err.flush();
      config = ServerConfig.from(settings);
    } catch (ConfigException e) {
      err.println("switchboard: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    Logging.configure(config.get(LogKeys.FORMAT), config.get(LogKeys.LEVEL));
    StandaloneServer server;
    try {
      server = StandaloneServer.start(config);
    } catch (BindException e) {
      err.println(
          "switchboard: cannot listen on "
              + config.get(ServerKeys.HOST)
              + ":"
              + config.get(ServerKeys.PORT)
              + ": "
              + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    } catch (IOException e) {
      err.println("switchboard: cannot start: " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    } catch (RedisUnavailableException e) {
      err.println("switchboard: " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    } catch (ConfigException e) {
      err.println("switchboard: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> shutdown(server, config, stopped), "switchboard-shutdown"));
    System.out.printf(
        "Switchboard %s listening on %s (engine %s); WebSocket at %s/ws, demo page at %s/%n",
        ServerAssembly.version(),
        server.httpUri(),
        config.get(EngineKeys.ENGINE),
        server.wsUri(),
        server.httpUri());
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  private static void shutdown(
      StandaloneServer server, ServerConfig config, CountDownLatch stopped) {
    Duration grace = config.get(ServerKeys.SHUTDOWN_TIMEOUT);
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(
                    grace.plus(server.assembly().closeTime()).plus(EXIT_MARGIN).toMillis());
                Runtime.getRuntime().halt(ExitCodes.UNAVAILABLE);
              } catch (InterruptedException e) {
                // shutdown finished in time
              }
            },
            "switchboard-exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    System.out.println(
        "Switchboard shutting down: not ready for "
            + config.get(ServerKeys.SHUTDOWN_DRAIN).toMillis()
            + " ms, then closing clients with 1012 over up to "
            + config.get(ServerKeys.SHUTDOWN_SPREAD).toMillis()
            + " ms (all within "
            + grace.toMillis()
            + " ms)");
    server.stop(grace);
    System.out.println("Switchboard stopped");
    watchdog.interrupt();
    stopped.countDown();
  }

  private static @Nullable Path configFromEnvironment(Map<String, String> env) {
    String p = System.getProperty("switchboard.config", env.get("SWITCHBOARD_CONFIG"));
    return p == null || p.isBlank() ? null : Path.of(p);
  }
}
