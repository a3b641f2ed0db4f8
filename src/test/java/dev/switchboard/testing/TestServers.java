package dev.switchboard.testing;

import dev.switchboard.config.ServerConfig;
import dev.switchboard.standalone.StandaloneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** Starts standalone servers for tests: loopback, a free port, the given overrides. */
public final class TestServers {
  private TestServers() {}

  public static StandaloneServer start(Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("server.host", "127.0.0.1");
    settings.put("server.port", "0");
    settings.put("shutdown.timeout", "2s");
    // Tests publish in bursts; the rate limit has its own tests, which switch it on.
    settings.put("ws.rate.messages", "0");
    settings.put("ws.rate.bytes", "0");
    settings.putAll(overrides);
    try {
      return StandaloneServer.start(ServerConfig.defaults(settings));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static StandaloneServer start() {
    return start(Map.of());
  }
}
