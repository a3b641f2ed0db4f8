package dev.switchboard.cli;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options of the client commands. */
final class ClientOptions {
  @Option(
      names = "--url",
      defaultValue = "ws://127.0.0.1:8080/ws",
      converter = WsUrl.class,
      description = "Hub URL. Default: ${DEFAULT-VALUE}")
  URI url;

  @Option(
      names = "--token",
      description = "A JWT for servers that require one (or SWITCHBOARD_TOKEN).")
  @Nullable String token;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;

  URI uri() {
    return url;
  }

  @Nullable String token() {
    return token != null ? token : System.getenv("SWITCHBOARD_TOKEN");
  }

  /** Prints an error as one plain line (or with its stack trace when verbose). */
  void fail(java.io.PrintWriter err, String command, Throwable e) {
    Throwable root = e;
    while ((root instanceof java.util.concurrent.CompletionException
            || root instanceof java.util.concurrent.ExecutionException)
        && root.getCause() != null) {
      root = root.getCause();
    }
    err.println(
        "switchboard "
            + command
            + ": "
            + (root.getMessage() == null ? root.toString() : root.getMessage()));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
  }
}
