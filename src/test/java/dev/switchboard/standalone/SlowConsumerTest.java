package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlowConsumerTest {
  private static final long OUTBOX = 128 * 1024;
  private static final int FAST_SUBSCRIBERS = 100;
  /** Bounds the test: the stalled client must be closed long before this many messages. */
  private static final int MAX_MESSAGES = 20_000;

  private final StandaloneServer server = TestServers.start(Map.of("outbox.max-bytes", String.valueOf(OUTBOX)));
  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(WsClient::close);
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void aSubscriberThatStopsReadingIsClosedAsSlowWhileAHundredOthersReceiveEverythingInOrder() throws Exception {
    for (int i = 0; i < FAST_SUBSCRIBERS; i++) {
      WsClient c = WsClient.connect(server.wsUri().resolve("/ws"));
      assertThat(c.request("\"op\":\"subscribe\",\"channel\":\"feed\"").path("ok").asBoolean()).isTrue();
      clients.add(c);
    }
    RawWsClient stalled = RawWsClient.connect("127.0.0.1", server.port(), "/ws", 4096);
    stalled.sendText("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"feed\"}");
    assertThat(stalled.readFrame().text()).isEqualTo("{\"id\":1,\"ok\":true}");
    // From here on the stalled client reads nothing.

    WsClient publisher = WsClient.connect(server.wsUri().resolve("/ws"));
    clients.add(publisher);
    String padding = "x".repeat(8000);
    long maxQueued = 0;
    int sent = 0;
    while (sent < MAX_MESSAGES && slowConsumerCloses() == 0) {
      JsonNode r = publisher.request("\"op\":\"publish\",\"channel\":\"feed\",\"data\":{\"seq\":" + sent + ",\"pad\":\"" + padding + "\"}");
      assertThat(r.path("ok").asBoolean()).isTrue();
      sent++;
      if (sent % 50 == 0) {
        maxQueued = Math.max(maxQueued, stats().path("queued_bytes").asLong());
      }
    }
    // A few more after the close: the others must not notice anything.
    for (int i = 0; i < 100; i++, sent++) {
      publisher.request("\"op\":\"publish\",\"channel\":\"feed\",\"data\":{\"seq\":" + sent + ",\"pad\":\"" + padding + "\"}");
    }

    assertThat(slowConsumerCloses()).isEqualTo(1);
    assertThat(sent).isLessThan(MAX_MESSAGES);
    // Memory stays bounded: no outbox ever holds more than its limit (plus one frame).
    assertThat(maxQueued).isLessThanOrEqualTo((FAST_SUBSCRIBERS + 2) * (OUTBOX + 10_000));
    for (int c = 0; c < FAST_SUBSCRIBERS; c++) {
      WsClient client = clients.get(c);
      for (int seq = 0; seq < sent; seq++) {
        assertThat(client.nextJson().path("data").path("seq").asInt()).isEqualTo(seq);
      }
    }
    assertThat(stats().path("connections").asInt()).isEqualTo(FAST_SUBSCRIBERS + 1);

    // The stalled client, once it reads again, finds the close with the slow-consumer code.
    RawWsClient.Frame close = stalled.readUntilClose();
    assertThat(close.closeCode()).isEqualTo(4000);
    stalled.close();
  }

  private long slowConsumerCloses() {
    return stats().path("closes").path("4000").asLong();
  }

  private JsonNode stats() {
    return Http.get(server.httpUri().resolve("/api/stats")).json();
  }
}
