package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.HttpUpgradeProxy.Upgrades;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The browser tests' proxy, checked on raw sockets against a real node. */
class HttpUpgradeProxyTest {
  private static StandaloneServer node;

  @BeforeAll
  static void start() {
    node = TestServers.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static final String UPGRADE =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Protocol: switchboard.v1\r\n\r\n";

  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  @Test
  void refusingAnswersTheUpgradeWith403AndClosesButForwardsOtherRequestsOnOneConnection()
      throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(node.port(), Upgrades.REFUSE);
        Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.getOutputStream().write(HEALTH.getBytes(StandardCharsets.US_ASCII));
      assertThat(head(s.getInputStream())).startsWith("HTTP/1.1 200");
      s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
      String rest = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(rest).contains("HTTP/1.1 403 Forbidden").endsWith("WebSocket is not permitted");
      assertThat(proxy.refused()).isEqualTo(1);
    }
  }

  @Test
  void cuttingPassesThe101ThenClosesTheConnection() throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(node.port(), Upgrades.CUT_AFTER_101);
        Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
      assertThat(head(s.getInputStream())).startsWith("HTTP/1.1 101");
      assertThat(s.getInputStream().read()).as("closed after the 101").isEqualTo(-1);
      assertThat(proxy.upgradesCut()).isEqualTo(1);
    }
  }

  @Test
  void allowingCarriesTheWebSocketAndCutAllBreaksIt() throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(node.port(), Upgrades.ALLOW);
        WsClient client =
            WsClient.connect(java.net.URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))) {
      assertThat(client.request("\"op\":\"ping\"").path("ok").asBoolean()).isTrue();
      assertThat(proxy.upgradesPassed()).isEqualTo(1);
      proxy.cutAll();
      assertThat(client.awaitClose().code()).isEqualTo(1006);
    }
  }

  /** The response head, up to the blank line. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!out.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      out.write(b);
    }
    String head = out.toString(StandardCharsets.US_ASCII);
    int length = contentLength(head);
    in.readNBytes(length);
    return head;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }
}
