package dev.switchboard.standalone;

import dev.switchboard.testing.ProtocolScenario;
import dev.switchboard.testing.TestServers;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared protocol scenario against the standalone server (Tyrus on Grizzly). */
class StandaloneScenarioTest extends ProtocolScenario {
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server = TestServers.start();
  }

  @AfterAll
  static void stop() {
    server.stop(java.time.Duration.ofSeconds(2));
  }

  @Override
  protected URI http(String path) {
    return server.httpUri().resolve(path);
  }
}
