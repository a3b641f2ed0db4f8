package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.switchboard.log.AccessLog;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake access log on a real standalone server: one line per connection attempt, written at
 * its close or its refusal, with address, origin, user, result and duration; none with {@code
 * log.access=false}.
 */
class AccessLogTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ALLOWED = "http://app.example";

  private final LogCapture access = LogCapture.of(AccessLog.LOGGER, Level.INFO);
  private StandaloneServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    access.close();
  }

  private void start(String accessLog) {
    server =
        TestServers.start(
            Map.of(
                "auth.hmac-secret", Tokens.SECRET,
                "origins.allowed", ALLOWED,
                "log.access", accessLog));
  }

  private static String token(String user) {
    return Tokens.hs256(Tokens.claims(user, Instant.now().plusSeconds(600), null));
  }

  @Test
  void anAcceptedConnectionIsOneLineAtItsCloseWithUserOriginCodeAndDuration() throws Exception {
    start("true");
    WsClient client =
        WsClient.connect(
            server.wsUri().resolve("/ws"),
            Map.of("Origin", ALLOWED, "Authorization", "Bearer " + token("alice")));
    client.request("\"op\":\"ping\""); // served: the connection is open and authenticated
    client.close(); // 1000 "bye"

    String line = access.next(WAIT);
    assertThat(line)
        .startsWith(
            "path=/ws remote=127.0.0.1 origin=\"http://app.example\" user=\"alice\""
                + " result=closed code=1000 reason=\"bye\" duration_ms=")
        .matches(".* duration_ms=\\d+");
    assertThat(access.remaining()).as("one line per connection, none at open").isEmpty();
  }

  @Test
  void aConnectionTheServerClosesCarriesTheCodeItSent() throws Exception {
    start("true");
    WsClient client = WsClient.connect(server.wsUri().resolve("/ws"), Map.of());
    client.send("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}"); // over 64 KiB
    int code = client.awaitClose().code();
    assertThat(access.next(WAIT)).contains(" result=closed code=" + code + " ");
  }

  @Test
  void aConnectionTheHubClosesCarriesTheCodeItSent() throws Exception {
    start("true");
    WsClient client =
        WsClient.connect(server.wsUri().resolve("/ws"), Map.of("Authorization", "Bearer nope"));
    int code = client.awaitClose().code();
    assertThat(access.next(WAIT)).contains(" result=closed code=" + code + " ");
  }

  @Test
  void aRefusedHandshakeIsOneLineWithItsStatusAndReason() throws Exception {
    start("true");
    assertThat(WsClient.handshakeStatus(server.wsUri().resolve("/ws"), "http://elsewhere.example"))
        .isEqualTo(403);
    assertThat(access.next(WAIT))
        .matches(
            "path=/ws remote=127\\.0\\.0\\.1 origin=\"http://elsewhere\\.example\" user=-"
                + " result=refused status=403"
                + " reason=\"origin http://elsewhere\\.example is not allowed\" duration_ms=\\d+");
  }

  @Test
  void echoConnectionsAreLoggedTooWithoutAUser() throws Exception {
    start("true");
    URI echo = server.wsUri().resolve("/echo");
    WsClient client = WsClient.connect(echo, null, null, null);
    client.send("hello");
    assertThat(client.nextText()).isEqualTo("hello");
    client.close();
    assertThat(access.next(WAIT))
        .startsWith("path=/echo remote=127.0.0.1 origin=- user=- result=closed code=1000");
  }

  @Test
  void logAccessFalseWritesNoLines() throws Exception {
    start("false");
    assertThat(WsClient.handshakeStatus(server.wsUri().resolve("/ws"), "http://elsewhere.example"))
        .isEqualTo(403); // the refusal's line would have been written before the answer
    WsClient client = WsClient.connect(server.wsUri().resolve("/ws"), Map.of("Origin", ALLOWED));
    client.request("\"op\":\"ping\"");
    client.close();
    // The line of a close is written before the session counts as closed.
    await().atMost(WAIT).until(() -> server.assembly().endpoints().openSessions() == 0);
    assertThat(access.remaining()).isEqualTo(List.of());
  }
}
