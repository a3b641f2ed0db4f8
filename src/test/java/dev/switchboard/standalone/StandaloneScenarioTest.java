package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.ProtocolScenario;
import dev.switchboard.testing.TestServers;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared protocol scenario against the standalone server (Tyrus on Grizzly): the scenario's
 * assertions are in {@link ProtocolScenario}; what only the standalone server serves is here.
 */
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

  @Test
  void theStandaloneServerServesThePagesAndTheDocsFromTheClasspath() {
    assertThat(Http.get(http("/")).body()).contains("<title>Switchboard");
    assertThat(Http.get(http("/js/switchboard.js")).body()).contains("export class Switchboard");
    Http.Response protocol = Http.get(http("/docs/PROTOCOL.md"));
    assertThat(protocol.status()).isEqualTo(200);
    assertThat(protocol.body()).contains("switchboard.v1");
    assertThat(Http.get(http("/docs/nothing-here.md")).status()).isEqualTo(404);
  }

  @Override
  protected URI http(String path) {
    return server.httpUri().resolve(path);
  }
}
