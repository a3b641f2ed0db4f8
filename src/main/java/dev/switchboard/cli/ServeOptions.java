package dev.switchboard.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options shared by the top-level command and {@code serve}. */
final class ServeOptions {
  @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (server.host).")
  @Nullable String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port to listen on (server.port); 0 picks a free one.")
  @Nullable String port;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file; see server-config/switchboard.properties.")
  @Nullable Path config;

  /** The flags as configuration keys; flags win over every other source. */
  Map<String, String> asSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    if (host != null) {
      m.put("server.host", host);
    }
    if (port != null) {
      m.put("server.port", port);
    }
    return m;
  }
}
