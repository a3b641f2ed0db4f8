package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https and wss on one port, from a PKCS12 keystore made here with keytool. */
class TlsTest {
  private static final String PASSWORD = "changeit";
  @TempDir static Path dir;
  private static StandaloneServer server;
  private static SSLContext trust;

  @BeforeAll
  static void start() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    "switchboard",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    PASSWORD,
                    "-keypass",
                    PASSWORD))
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();

    server =
        TestServers.start(
            Map.of("tls.keystore", keystore.toString(), "tls.keystore-password", PASSWORD));

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    trust = SSLContext.getInstance("TLS");
    trust.init(null, tmf.getTrustManagers(), null);
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
