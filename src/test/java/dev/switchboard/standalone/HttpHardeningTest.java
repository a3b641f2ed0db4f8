package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP side of the standalone server under hostile requests, sent as raw bytes: each gets its
 * exact status and a JSON error body, never a 500, and nothing is served or published that should
 * not be. The server has no API keys, so the API trusts only direct loopback callers.
 */
class HttpHardeningTest {
  private static StandaloneServer server;
  private static int port;

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of());
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  /** One raw request on its own connection, which the server closes after answering. */
  static Answer send(String method, String target, String headers, byte[] body) throws IOException {
    String head =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nConnection: close\r\n"
            + headers
            + (body.length > 0 ? "Content-Length: " + body.length + "\r\n" : "")
            + "\r\n";
    return Answer.of(
        RawWsClient.exchange(
            "127.0.0.1", port, head + new String(body, StandardCharsets.ISO_8859_1), 5000));
  }

  static Answer get(String target, String headers) throws IOException {
    return send("GET", target, headers, new byte[0]);
  }

  /** A raw HTTP response split into status line, headers and body. */
  record Answer(String statusLine, String headers, String body) {
    static Answer of(String raw) {
      int end = raw.indexOf("\r\n\r\n");
      String head = end < 0 ? raw : raw.substring(0, end);
      int eol = head.indexOf("\r\n");
      return new Answer(
          eol < 0 ? head : head.substring(0, eol),
          eol < 0 ? "" : head.substring(eol + 2),
          end < 0 ? "" : raw.substring(end + 4));
    }

    int status() {
      String[] parts = statusLine.split(" ");
      return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }

    JsonNode json() {
      return WsClient.parse(body);
    }

    int errorCode() {
      return json().path("error").path("code").asInt();
    }
  }

  private static long publishes() {
    return Http.get(server.httpUri().resolve("/api/stats")).json().path("publishes").asLong();
  }

  @Test
  void withoutApiKeysARequestThatCameThroughAProxyIsNotLocalAndIsRefused() throws IOException {
    long before = publishes();
    byte[] publish = "{\"channel\":\"a\",\"data\":1}".getBytes(StandardCharsets.UTF_8);
    String json = "Content-Type: application/json\r\n";
    for (String forwarded :
        new String[] {
          "X-Forwarded-For: 203.0.113.9\r\n",
          "Forwarded: for=203.0.113.9\r\n",
          "X-Real-IP: 203.0.113.9\r\n",
          "x-forwarded-proto: https\r\n"
        }) {
      Answer published = send("POST", "/api/publish", json + forwarded, publish);
      assertThat(published.status()).as(forwarded).isEqualTo(403);
      assertThat(published.headers()).contains("Content-Type: application/json");
      assertThat(published.errorCode()).as(forwarded).isEqualTo(110);
      assertThat(published.json().path("error").path("message").asText())
          .contains("proxy")
          .contains("api.keys");
      Answer stats = get("/api/stats", forwarded);
      assertThat(stats.status()).as(forwarded).isEqualTo(403);
      assertThat(stats.errorCode()).isEqualTo(110);
      assertThat(stats.body()).doesNotContain("connections");
      assertThat(get("/api/history?channel=a", forwarded).status()).isEqualTo(403);
      assertThat(get("/api/presence?channel=a", forwarded).status()).isEqualTo(403);
    }
    assertThat(publishes()).isEqualTo(before);

    // A direct request from loopback is still local.
    assertThat(send("POST", "/api/publish", json, publish).status()).isEqualTo(200);
    assertThat(publishes()).isEqualTo(before + 1);
    // Liveness and readiness are for probes and stay open.
    assertThat(get("/health", "X-Forwarded-For: 203.0.113.9\r\n").status()).isEqualTo(200);
  }

  /** Targets that climb out of the root, hide a dot segment, or do not decode. */
  private static final String[] TRAVERSALS = {
    "/../../etc/passwd",
    "/../dev/switchboard/config/switchboard.properties",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/dev/switchboard/config/switchboard.properties",
    "/.%2e/dev/switchboard/config/switchboard.properties",
    "/..%2fdev/switchboard/config/switchboard.properties",
    "/..%5cdev/switchboard/config/switchboard.properties",
    "/..\\dev/switchboard/config/switchboard.properties",
    "/css/../../dev/switchboard/config/switchboard.properties",
    "/api/../../dev/switchboard/config/switchboard.properties",
    "/..;/dev/switchboard/config/switchboard.properties",
    "/css/..;/..;/dev/switchboard/config/switchboard.properties",
    "/%c0%ae%c0%ae/dev/switchboard/config/switchboard.properties",
    "/index.html%00",
    "/index.html%00.css",
    "/%00",
    "/index.html%0a",
    "/%ff",
    "/%zz",
    "/%",
  };

  @Test
  void pathTraversalAndUndecodableTargetsGet400WithAJsonErrorNeverA500() throws IOException {
    long before =
        Http.get(server.httpUri().resolve("/api/stats"))
            .json()
            .path("errors")
            .path("malformed")
            .asLong();
    for (String target : TRAVERSALS) {
      Answer a = get(target, "");
      assertThat(a.status()).as(target).isEqualTo(400);
      assertThat(a.headers()).as(target).contains("Content-Type: application/json");
      assertThat(a.errorCode()).as(target).isEqualTo(101);
      assertThat(a.body())
          .as(target)
          .doesNotContain("# Switchboard configuration")
          .doesNotContain("root:");
    }
    long after =
        Http.get(server.httpUri().resolve("/api/stats"))
            .json()
            .path("errors")
            .path("malformed")
            .asLong();
    assertThat(after - before).isEqualTo(TRAVERSALS.length);
    // Encoded once more, a traversal is only an odd file name: not found, not served.
    assertThat(get("/%252e%252e/switchboard.properties", "").status()).isEqualTo(404);
    // Dot segments that stay inside the root are normalized and served as before.
    assertThat(get("/css/../index.html", "").status()).isEqualTo(200);
    assertThat(get("/index.html", "").body()).contains("<title>Switchboard</title>");
  }

  @Test
  void everyRequestOnAKeepAliveConnectionHasItsTargetChecked() throws IOException {
    String twoRequests =
        "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /../switchboard.properties HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    String raw = RawWsClient.exchange("127.0.0.1", port, twoRequests, 5000);
    assertThat(raw).startsWith("HTTP/1.1 200");
    Answer second = Answer.of(raw.substring(raw.indexOf("HTTP/1.1 ", 1)));
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.errorCode()).isEqualTo(101);
    assertThat(raw).doesNotContain("# Switchboard configuration");
  }

  @Test
  void aStaticDirectoryServesNothingOutsideItself(@TempDir Path dir) throws IOException {
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.writeString(www.resolve("index.html"), "<p>inside</p>");
    Files.writeString(dir.resolve("secret.txt"), "outside the web root");
    StandaloneServer files = TestServers.start(Map.of("static.dir", www.toString()));
    try {
      int p = files.port();
      for (String target :
          new String[] {
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..;/secret.txt",
            "/..%5csecret.txt",
            "/secret.txt%00"
          }) {
        String raw =
            RawWsClient.exchange(
                "127.0.0.1",
                p,
                "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                5000);
        Answer a = Answer.of(raw);
        assertThat(a.status()).as(target).isEqualTo(400);
        assertThat(a.body()).as(target).doesNotContain("outside the web root");
      }
      assertThat(Http.get(files.httpUri().resolve("/index.html")).body())
          .isEqualTo("<p>inside</p>");
    } finally {
      files.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void aWebSocketPathSpelledAnotherWayCannotSlipPastTheHandshakeGate() throws IOException {
    // HTTP/1.0 handshakes are refused by the gate on /ws; Tyrus alone would accept them. Tyrus
    // matches /%77s and /ws;x as /ws, so these spellings must meet the gate too, or be refused.
    for (String target :
        new String[] {
          "/%77s", "/%77%73", "/ws;x=1", "/%65cho", "/echo;a", "/./ws", "//ws", "/x/../ws"
        }) {
      String request =
          RawWsClient.handshake("127.0.0.1", port, target, "")
              .replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n");
      Answer a = Answer.of(RawWsClient.exchange("127.0.0.1", port, request, 5000));
      assertThat(a.status()).as(target).isIn(400, 404);
      assertThat(a.statusLine()).as(target).doesNotContain("101");
    }
    Answer encoded =
        Answer.of(
            RawWsClient.exchange(
                "127.0.0.1", port, RawWsClient.handshake("127.0.0.1", port, "/%77s", ""), 5000));
    assertThat(encoded.status()).isEqualTo(400);
    assertThat(encoded.errorCode()).isEqualTo(101);
    assertThat(encoded.json().path("error").path("message").asText()).contains("/ws");
    // The exact path still upgrades.
    try (RawWsClient ok = RawWsClient.connect("127.0.0.1", port, "/ws", 0)) {
      assertThat(ok.handshakeResponse()).startsWith("HTTP/1.1 101");
    }
  }

  @Test
  void aJsonPublishWhoseBodyIsNotUtf8IsRefusedWith400AndNotPublished() throws IOException {
    byte[][] invalid = {
      {(byte) 0xff}, // never valid in UTF-8
      {(byte) 0xc0, (byte) 0xae}, // overlong '.'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded UTF-16 surrogate
      {(byte) 0xe2, (byte) 0x82}, // a sequence cut short
    };
    try (WsClient sub = WsClient.connect(server.wsUri().resolve("/ws"))) {
      sub.ok(id -> new Command.Subscribe(id, "utf"));
      long before = publishes();
      for (byte[] bad : invalid) {
        byte[] body = concat("{\"channel\":\"utf\",\"data\":\"a", bad, "b\"}");
        Answer a = send("POST", "/api/publish", "Content-Type: application/json\r\n", body);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo(101);
        assertThat(a.json().path("error").path("message").asText()).contains("UTF-8");
      }
      assertThat(publishes()).isEqualTo(before);
      byte[] good =
          "{\"channel\":\"utf\",\"data\":\"\u00e9t\u00e9\"}".getBytes(StandardCharsets.UTF_8);
      assertThat(send("POST", "/api/publish", "Content-Type: application/json\r\n", good).status())
          .isEqualTo(200);
      // Publications arrive in order: had a refused one been published, it would come first.
      assertThat(sub.nextJson().path("data").asText()).isEqualTo("\u00e9t\u00e9");
    }
  }

  private static byte[] concat(String head, byte[] middle, String tail) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[h.length + middle.length + t.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(middle, 0, all, h.length, middle.length);
    System.arraycopy(t, 0, all, h.length + middle.length, t.length);
    return all;
  }

  @Test
  void refusedHandshakesCarryTheStandardReasonPhrase() throws IOException {
    String plainGet = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    Answer upgradeRequired = Answer.of(RawWsClient.exchange("127.0.0.1", port, plainGet, 5000));
    assertThat(upgradeRequired.statusLine()).isEqualTo("HTTP/1.1 426 Upgrade Required");
    assertThat(upgradeRequired.headers().split("Content-Type: application/json", -1))
        .hasSize(2); // exactly once
    assertThat(upgradeRequired.errorCode()).isEqualTo(101);

    StandaloneServer limited = TestServers.start(Map.of("limits.max-connections-per-ip", "1"));
    try (RawWsClient held = RawWsClient.connect("127.0.0.1", limited.port(), "/ws", 0)) {
      String second = RawWsClient.handshake("127.0.0.1", limited.port(), "/ws", "");
      Answer tooMany = Answer.of(RawWsClient.exchange("127.0.0.1", limited.port(), second, 5000));
      assertThat(tooMany.statusLine()).isEqualTo("HTTP/1.1 429 Too Many Requests");
      assertThat(tooMany.headers())
          .contains("Retry-After: 1")
          .contains("Content-Type: application/json");
      assertThat(tooMany.errorCode()).isEqualTo(109);
    } finally {
      limited.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void requestsTheHttpParserRefusesGetAJsonBodyToo() throws IOException {
    long before =
        Http.get(server.httpUri().resolve("/api/stats"))
            .json()
            .path("errors")
            .path("malformed")
            .asLong();
    Answer oversized = get("/api/stats", "X-Big: " + "a".repeat(20_000) + "\r\n");
    assertThat(oversized.status()).isEqualTo(400);
    assertThat(oversized.headers()).contains("Content-Type: application/json");
    assertThat(oversized.errorCode()).isEqualTo(101);
    assertThat(oversized.json().path("error").path("message").asText()).contains("8192 bytes");

    Answer noHost =
        Answer.of(
            RawWsClient.exchange(
                "127.0.0.1", port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 5000));
    assertThat(noHost.status()).isEqualTo(400);
    assertThat(noHost.errorCode()).isEqualTo(101);

    Answer version =
        Answer.of(
            RawWsClient.exchange("127.0.0.1", port, "GET / HTTP/3.7\r\nHost: x\r\n\r\n", 5000));
    assertThat(version.status()).isEqualTo(505);
    assertThat(version.errorCode()).isEqualTo(101);

    long after =
        Http.get(server.httpUri().resolve("/api/stats"))
            .json()
            .path("errors")
            .path("malformed")
            .asLong();
    assertThat(after - before).isEqualTo(3);
    assertThat(Http.get(server.httpUri().resolve("/health")).status()).isEqualTo(200);
  }

  @Test
  void tooDeeplyNestedJsonIsRefusedWithAPlainMessageOverHttpAndWebSocket() throws IOException {
    String deep = "[".repeat(1001) + "]".repeat(1001);
    byte[] body = ("{\"channel\":\"deep\",\"data\":" + deep + "}").getBytes(StandardCharsets.UTF_8);
    Answer http = send("POST", "/api/publish", "Content-Type: application/json\r\n", body);
    assertThat(http.status()).isEqualTo(400);
    assertThat(http.errorCode()).isEqualTo(101);
    assertThat(http.json().path("error").path("message").asText())
        .isEqualTo("invalid JSON: JSON nested deeper than 1000 levels");

    try (WsClient ws = WsClient.connect(server.wsUri().resolve("/ws"))) {
      // The encoder passes data through unchecked, as a publisher's exact text must travel.
      ws.send(new Command.Publish(7, "deep", new Payload.Json(deep)));
      // The id, read before the data, is answered.
      assertThat(ws.nextMessage())
          .isEqualTo(
              new ServerMessage.ErrorReply(
                  7, 101, "invalid JSON: JSON nested deeper than 1000 levels"));
    }
  }
}
