package dev.switchboard.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.HubHarness.Client;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node's figures by namespace and channel, on fake transports and the hub's manual clock. */
class HubFiguresTest {
  private final HubHarness h =
      new HubHarness(
          new HubOptions(
              1000,
              8,
              new Namespaces(NamespaceOptions.plain(), Map.of("feed", NamespaceOptions.plain()))));
  private final Hub hub = h.hub;

  @AfterEach
  void close() {
    h.close();
  }

  private HubFigures.Namespace namespace(String name) {
    return hub.figures().namespaces().stream()
        .filter(n -> n.namespace().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aFrameTheFanOutCannotQueueIsCountedAsDroppedInItsNamespace() {
    FakeTransport stalled = FakeTransport.held(); // never completes a send: a client not reading
    Client slow = h.connect(stalled);
    Client fast = h.connect();
    slow.send(new Command.Subscribe(Command.NO_ID, "feed:x"));
    fast.send(new Command.Subscribe(Command.NO_ID, "feed:x"));

    // 300 frames of ~100 bytes: past sixteen times the 1000-byte outbox, the slow one overflows.
    String data = "\"" + "x".repeat(80) + "\"";
    for (int i = 0; i < 300; i++) {
      hub.publish("feed:x", new Payload.Json(data), null, null);
    }

    assertThat(stalled.closedWith()).isEqualTo(CloseCode.SLOW_CONSUMER);
    assertThat(fast.messages()).hasSize(300);
    HubFigures.Namespace feed = namespace("feed");
    assertThat(feed.publications()).isEqualTo(300);
    assertThat(feed.dropped()).as("the one frame that overflowed").isEqualTo(1);
    // The fast one took all 300; the slow one those before it overflowed.
    assertThat(feed.deliveries()).isGreaterThan(300).isLessThan(600);
    assertThat(feed.subscriptions()).as("the slow one's ended with it").isEqualTo(1);
    assertThat(namespace(Namespaces.DEFAULT).publications()).isZero();
  }

  @Test
  void theRateSpansTheLastWindowOfTheHubsClock() {
    Client c = h.connect();
    c.send(new Command.Subscribe(Command.NO_ID, "ticks"));
    publish("ticks", 10);
    h.clock.advance(Duration.ofSeconds(10));
    assertThat(rateOf("ticks")).isEqualTo(1.0); // 10 in the channel's first 10 s

    publish("ticks", 40);
    h.clock.advance(Duration.ofSeconds(10));
    assertThat(rateOf("ticks")).isEqualTo(4.0); // 40 in the last 10 s, not 50 in 20 s

    h.clock.advance(Duration.ofSeconds(5));
    assertThat(rateOf("ticks")).as("the window is 10 to 20 s").isEqualTo(40 / 15.0);
  }

  @Test
  void theTopListsAreBoundedAndOrderedWithTiesByName() {
    Client a = h.connect();
    Client b = h.connect();
    for (String ch : List.of("c", "a", "b")) {
      a.send(new Command.Subscribe(Command.NO_ID, ch));
    }
    b.send(new Command.Subscribe(Command.NO_ID, "c"));
    h.clock.advance(Duration.ofSeconds(1));

    HubFigures.Top top = hub.figures().top(2);
    assertThat(top.bySubscribers())
        .extracting(HubFigures.Channel::channel)
        .containsExactly("c", "a");
    assertThat(top.byRate()).extracting(HubFigures.Channel::channel).containsExactly("a", "b");
    assertThat(hub.figures().top(HubFigures.MAX_TOP + 1).bySubscribers()).hasSize(3);
    assertThat(hub.figures().top(0).byRate()).isEmpty();
  }

  private void publish(String channel, int n) {
    for (int i = 0; i < n; i++) {
      hub.publish(channel, new Payload.Json("1"), null, null);
    }
  }

  private double rateOf(String channel) {
    return hub.figures().top(10).byRate().stream()
        .filter(c -> c.channel().equals(channel))
        .findFirst()
        .orElseThrow()
        .rate();
  }
}
