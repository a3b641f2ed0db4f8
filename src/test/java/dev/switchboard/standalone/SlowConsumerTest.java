package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.frame.Frame;
import dev.switchboard.frame.Opcode;
import dev.switchboard.hub.Outbox;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlowConsumerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long OUTBOX = 128 * 1024;
  private static final int FAST_SUBSCRIBERS = 100;

  /** Bounds the test: the stalled client must be closed long before this many messages. */
  private static final int MAX_MESSAGES = 20_000;

  private final StandaloneServer server =
      TestServers.start(Map.of("outbox.max-bytes", String.valueOf(OUTBOX)));
  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(WsClient::close);
    server.stop(Duration.ofSeconds(2));
  }

  /** A publication of {@code seq} with 8,000 bytes of padding: about 8 KB on the wire. */
  private static LongFunction<Command> publication(int seq) {
    Payload data = new Payload.Json("{\"seq\":" + seq + ",\"pad\":\"" + "x".repeat(8000) + "\"}");
    return id -> new Command.Publish(id, "feed", data);
  }

  /** Subscribes a client that reads the reply and then nothing more: its socket fills up. */
  private RawWsClient stalledSubscriber() throws Exception {
    RawWsClient stalled = RawWsClient.connect("127.0.0.1", server.port(), "/ws", 4096);
    stalled.sendText("{\"id\":1,\"op\":\"subscribe\",\"channel\":\"feed\"}");
    assertThat(stalled.readFrame().text()).isEqualTo("{\"id\":1,\"ok\":true}");
    return stalled;
  }

  @Test
  void aStalledSubscribersOutboxNeverHoldsMoreThanItsHardBoundBeforeItIsCut() throws Exception {
    RawWsClient stalled = stalledSubscriber();
    WsClient publisher = WsClient.connect(server.wsUri().resolve("/ws"));
    clients.add(publisher);
    long maxQueued = 0;
    int sent = 0;
    while (sent < MAX_MESSAGES && slowConsumerCloses() == 0) {
      publisher.ok(publication(sent++));
      // The publisher subscribes to nothing and has read its reply: what waits is the stalled
      // client's.
      maxQueued = Math.max(maxQueued, stats().path("queued_bytes").asLong());
    }

    assertThat(slowConsumerCloses()).isEqualTo(1);
    // The outbox's memory bound, whatever the time: sixteen times the limit. Whether the stall
    // grace ran out first (the limit itself) or not depends on the machine's speed; this does not.
    assertThat(maxQueued).isLessThanOrEqualTo(Outbox.HARD_FACTOR * OUTBOX);
    await().until(() -> stats().path("queued_bytes").asLong() == 0);
    stalled.close();
  }

  @Test
  void aSubscriberThatStopsReadingIsClosedAsSlowWhileAHundredOthersReceiveEverythingInOrder()
      throws Exception {
    for (int i = 0; i < FAST_SUBSCRIBERS; i++) {
      WsClient c = WsClient.connect(server.wsUri().resolve("/ws"));
      c.ok(id -> new Command.Subscribe(id, "feed"));
      clients.add(c);
    }
    RawWsClient stalled = stalledSubscriber(); // from here on it reads nothing

    WsClient publisher = WsClient.connect(server.wsUri().resolve("/ws"));
    clients.add(publisher);
    int sent = 0;
    while (sent < MAX_MESSAGES && slowConsumerCloses() == 0) {
      publisher.ok(publication(sent++));
    }
    // A few more after the close: the others must not notice anything.
    for (int i = 0; i < 100; i++) {
      publisher.ok(publication(sent++));
    }

    assertThat(slowConsumerCloses()).isEqualTo(1);
    assertThat(sent).isLessThan(MAX_MESSAGES);
    // How much the stalled outbox may hold is the test above's, the exact bounds OutboxTest's.
    for (int c = 0; c < FAST_SUBSCRIBERS; c++) {
      WsClient client = clients.get(c);
      for (int seq = 0; seq < sent; seq++) {
        assertThat(client.nextJson().path("data").path("seq").asInt()).isEqualTo(seq);
      }
    }
    assertThat(stats().path("connections").asInt()).isEqualTo(FAST_SUBSCRIBERS + 1);
    // What the stalled client was not sent was dropped and counted (at least the frame that
    // overflowed), and once the others have read everything nothing stays queued anywhere.
    assertThat(stats().path("dropped_frames").asLong()).isPositive();
    await().until(() -> stats().path("queued_bytes").asLong() == 0);

    // The stalled client, once it reads again, finds the publications it was sent, in order and
    // without a gap (only the tail was dropped), then the close with the slow-consumer code.
    int received = 0;
    Frame frame;
    while ((frame = stalled.readFrame()).opcode() != Opcode.CLOSE) {
      assertThat(frame.opcode()).as("a whole text frame").isEqualTo(Opcode.TEXT);
      assertThat(JSON.readTree(frame.text()).path("data").path("seq").asInt())
          .isEqualTo(received++);
    }
    assertThat(frame.closeCode()).isEqualTo(4000);
    assertThat(received).as("publications the stalled client got").isLessThan(sent);
    stalled.close();
  }

  private long slowConsumerCloses() {
    return stats().path("closes").path("4000").asLong();
  }

  private JsonNode stats() {
    return Http.get(server.httpUri().resolve("/api/stats")).json();
  }
}
