package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestCertificate;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https and wss on one port, from a PKCS12 keystore made here with keytool. */
class TlsTest {
  @TempDir static Path dir;
  private static StandaloneServer server;
  private static SSLContext trust;

  @BeforeAll
  static void start() {
    TestCertificate certificate = TestCertificate.create(dir);
    server =
        TestServers.start(
            Map.of(
                "tls.keystore",
                certificate.keystore().toString(),
                "tls.keystore-password",
                TestCertificate.PASSWORD));
    trust = certificate.trust();
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void theServerSpeaksHttpsAndWssOnOnePort() {
    assertThat(server.httpUri().getScheme()).isEqualTo("https");
    assertThat(server.wsUri().getScheme()).isEqualTo("wss");

    Http.Response health = Http.get(server.httpUri().resolve("/health"), trust);
    assertThat(health.status()).isEqualTo(200);

    try (WsClient sub =
            WsClient.connect(server.wsUri().resolve("/ws"), null, trust, "switchboard.v1");
        WsClient echo = WsClient.connect(server.wsUri().resolve("/echo"), null, trust, null)) {
      sub.ok(id -> new Command.Subscribe(id, "secure"));
      sub.ok(id -> new Command.Publish(id, "secure", new Payload.Json("\"over tls\"")));
      assertThat(sub.nextJson().path("data").asText()).isEqualTo("over tls");
      echo.send("round trip");
      assertThat(echo.nextText()).isEqualTo("round trip");
    }
  }
}
