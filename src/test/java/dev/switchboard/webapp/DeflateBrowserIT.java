package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.TestServers;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Real Chromium negotiates permessage-deflate with the standalone server, sends a compressed
 * publish and gets a large publication back intact, compressed by the server.
 */
class DeflateBrowserIT {
  private static Chromium chromium;
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    chromium = new Chromium();
    server = TestServers.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (chromium != null) {
      chromium.close();
    }
  }

  /** Subscribes, publishes about 20 KB of JSON text, resolves with what arrived. */
  private static final String SCRIPT =
      """
      const done = arguments[arguments.length - 1];
      const text = Array.from({length: 2000}, (_, i) => 'word-' + (i % 97)).join(' ');
      const ws = new WebSocket(arguments[0], 'switchboard.v1');
      ws.onerror = () => done({error: 'websocket error'});
      ws.onopen = () => ws.send(JSON.stringify({id: 1, op: 'subscribe', channel: 'big'}));
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.id === 1) {
          ws.send(JSON.stringify({id: 2, op: 'publish', channel: 'big', data: {text}}));
        } else if (m.channel === 'big') {
          const got = JSON.stringify(m);
          done({extensions: ws.extensions, intact: got.includes(JSON.stringify(text)),
                length: e.data.length});
          ws.close();
        }
      };
      """;

  @Test
  void chromiumNegotiatesDeflateAndALargePublicationArrivesIntact() {
    ChromeDriver page = chromium.open();
    page.get(server.httpUri().resolve("/").toString()); // an allowed origin for the socket
    long before = server.deflater().frames();
    @SuppressWarnings("unchecked")
    Map<String, Object> result =
        (Map<String, Object>)
            page.executeAsyncScript(SCRIPT, server.wsUri().resolve("/ws").toString());
    assertThat(result).doesNotContainKey("error");
    assertThat((String) result.get("extensions")).startsWith("permessage-deflate");
    assertThat(result.get("intact")).isEqualTo(true);
    assertThat(((Number) result.get("length")).longValue()).isGreaterThan(15_000);
    assertThat(server.deflater().frames() - before).isPositive();
    assertThat(server.deflater().bytesOut()).isLessThan(server.deflater().bytesIn() / 2);
  }
}
