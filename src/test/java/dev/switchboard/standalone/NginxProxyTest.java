package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Nginx;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.TestCertificate;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server-config/nginx.conf} as shipped in front of one standalone node, TLS terminated at
 * nginx: only the listen address, the upstream port and the certificate paths are replaced (see
 * {@link Nginx}). The node trusts nginx's address ({@code limits.trusted-proxies=127.0.0.1}) and
 * allows two connections per client address; clients connect to nginx from 127.0.0.2 and 127.0.0.3,
 * so the address nginx names in {@code X-Forwarded-For} differs from nginx's own.
 */
class NginxProxyTest {
  private static final String ORIGIN = "https://chat.example.com";
  private static StandaloneServer node;
  private static Nginx nginx;
  private static TestCertificate cert;

  /** Raw connections a test holds open, closed after it. */
  private final List<Socket> held = new ArrayList<>();

  @BeforeAll
  static void start(@TempDir Path dir) {
    cert = TestCertificate.create(dir);
    node =
        TestServers.start(
            Map.of(
                "limits.max-connections-per-ip", "2",
                "limits.trusted-proxies", "127.0.0.1",
                "origins.allowed", ORIGIN));
    int port = Nginx.freePort();
    try {
      nginx =
          Nginx.start(
              Path.of("server-config/nginx.conf"),
              Map.of(
                  "listen 443 ssl http2;",
                  "listen 127.0.0.1:" + port + " ssl http2;",
                  "server 127.0.0.1:8080;",
                  "server 127.0.0.1:" + node.port() + ";",
                  "/etc/letsencrypt/live/chat.example.com/fullchain.pem",
                  cert.certificatePem().toString(),
                  "/etc/letsencrypt/live/chat.example.com/privkey.pem",
                  cert.privateKeyPem().toString()),
              port,
              dir.resolve("nginx"));
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void closeHeld() throws IOException {
    for (Socket s : held) {
      s.close();
    }
  }

  /** GET through nginx; {@code path} is appended as written ({@code //api/} stays a path). */
  private static Http.Response get(String path) {
    return Http.get(URI.create(nginx.https() + path), cert.trust());
  }

  @Test
  void theApiIsRefusedAtTheProxyWhilePagesAndHealthPassThrough() {
    for (String path : List.of("/api/stats", "/api/publish", "/%61pi/stats", "//api/stats")) {
      Http.Response api = get(path);
      assertThat(api.status()).as(path).isEqualTo(403);
      assertThat(api.header("Content-Type")).startsWith("application/json");
      assertThat(api.json().path("error").path("code").asInt()).isEqualTo(110);
    }
    Http.Response health = get("/health");
    assertThat(health.status()).as(nginx.log()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("up");
    Http.Response page = get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
  }

  @Test
  void wssAndEchoWorkThroughNginxForThePublicOrigin() {
    URI ws = nginx.wss().resolve("/ws");
    try (WsClient client = WsClient.connect(ws, ORIGIN, cert.trust(), "switchboard.v1");
        WsClient echo =
            WsClient.connect(nginx.wss().resolve("/echo"), ORIGIN, cert.trust(), null)) {
      assertThat(client.subprotocol()).isEqualTo("switchboard.v1");
      client.ok(id -> new Command.Subscribe(id, "proxied"));
      client.ok(id -> new Command.Publish(id, "proxied", new Payload.Json("\"via nginx\"")));
      assertThat(client.nextJson().path("data").asText()).isEqualTo("via nginx");
      echo.send("round trip");
      assertThat(echo.nextText()).isEqualTo("round trip");
    }
  }

  @Test
  void anEventStreamAndItsPostsPassThroughNginxUnbuffered() {
    try (SseClient sse =
            SseClient.open(nginx.https().resolve("/sse"), cert.trust(), "Origin", ORIGIN).opened();
        WsClient pub = WsClient.connect(nginx.wss().resolve("/ws"), ORIGIN, cert.trust(), null)) {
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.post("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"streamed\"}").status())
          .isEqualTo(204);
      assertThat(sse.nextNotPing().json().path("id").asLong()).isEqualTo(1);
      pub.ok(id -> new Command.Publish(id, "streamed", new Payload.Json("\"small\"")));
      assertThat(sse.nextNotPing().json().path("data").asText())
          .as("a small event gets through at once: nginx does not hold it in a buffer")
          .isEqualTo("small");
    }
  }

  @Test
  void anOriginOtherThanThePublicOneIsRefusedThroughNginx() throws IOException {
    assertThat(upgradeFrom("127.0.0.4", "Origin: https://evil.example\r\n")).isEqualTo(403);
    assertThat(upgradeFrom("127.0.0.4", "Origin: " + ORIGIN + "\r\n")).isEqualTo(101);
  }

  @Test
  void thePerAddressLimitCountsTheClientNginxNamesAndIgnoresWhatTheClientForges()
      throws IOException {
    assertThat(upgradeFrom("127.0.0.2", "")).isEqualTo(101);
    assertThat(upgradeFrom("127.0.0.2", "")).isEqualTo(101);
    // 127.0.0.2 is at its limit of two; a header of its own naming someone else does not help:
    // nginx appends the address it saw, and the node takes the right-most one it does not trust.
    assertThat(upgradeFrom("127.0.0.2", "")).isEqualTo(429);
    assertThat(upgradeFrom("127.0.0.2", "X-Forwarded-For: 198.51.100.1\r\n")).isEqualTo(429);
    // Another client behind the same nginx is not counted with the first: without
    // limits.trusted-proxies all four would have counted against nginx's 127.0.0.1.
    assertThat(upgradeFrom("127.0.0.3", "X-Forwarded-For: 127.0.0.2\r\n")).isEqualTo(101);
    assertThat(upgradeFrom("127.0.0.3", "")).isEqualTo(101);
    assertThat(upgradeFrom("127.0.0.3", "")).isEqualTo(429);
  }

  /**
   * Opens a TLS connection to nginx from {@code local}, sends a WebSocket handshake for /ws with
   * {@code extraHeaders} and returns the status; an upgraded connection is held open until the test
   * ends, so that it keeps counting against its address.
   */
  private int upgradeFrom(String local, String extraHeaders) throws IOException {
    Socket s =
        cert.trust()
            .getSocketFactory()
            .createSocket(
                InetAddress.getByName("127.0.0.1"), nginx.port(), InetAddress.getByName(local), 0);
    held.add(s);
    s.setSoTimeout(10_000);
    String request =
        "GET /ws HTTP/1.1\r\nHost: chat.example.com\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + extraHeaders
            + "\r\n";
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    String head = readHead(s.getInputStream());
    assertThat(head).as(nginx.log()).startsWith("HTTP/1.1 ");
    return Integer.parseInt(head.substring(9, 12));
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
