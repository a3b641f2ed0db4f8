package dev.switchboard.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hooks.Client;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real WebSocket clients on a real standalone server whose hub is bridged to a real CDI container
 * (Weld SE): the application's Decisions bean refuses and rewrites what clients do, and its
 * observers hear every step of a connection, synchronously and asynchronously.
 */
class CdiEndToEndTest {
  private final StandaloneServer server = TestServers.start();
  private WeldContainer cdi;
  private CdiBridge bridge;

  @BeforeEach
  void boot() {
    cdi =
        new Weld()
            .disableDiscovery()
            .addBeanClasses(
                TestBeans.Moderation.class, TestBeans.Recorder.class, TestBeans.PerRequest.class)
            .initialize();
    bridge =
        CdiBridge.install(cdi.getBeanManager(), server.assembly(), getClass().getClassLoader());
  }

  @AfterEach
  void close() {
    bridge.close();
    cdi.close();
    server.close();
  }

  private WsClient connect() {
    return WsClient.connect(server.wsUri().resolve("/ws"));
  }

  @Test
  void aSubscribeTheDecisionsBeanDeniesGets111WithItsReason() {
    try (WsClient c = connect()) {
      ServerMessage.ErrorReply e =
          c.error(id -> new Command.Subscribe(id, "secret:plans"), ErrorCode.FORBIDDEN);

      assertThat(e.code()).isEqualTo(111);
      assertThat(e.message()).isEqualTo("no secrets here");
      c.ok(id -> new Command.Subscribe(id, "open:plans"));
    }
  }

  @Test
  void subscribersGetThePublicationAsTheDecisionsBeanRewroteIt() {
    try (WsClient subscriber = connect();
        WsClient publisher = connect()) {
      subscriber.ok(id -> new Command.Subscribe(id, "chat"));

      publisher.ok(id -> new Command.Publish(id, "chat", new Payload.Json("\"darn it\"")));
      publisher.ok(id -> new Command.Publish(id, "chat", new Payload.Json("\"fine\"")));

      assertThat(payloadOf(subscriber.nextMessage())).isEqualTo(new Payload.Json("\"**** it\""));
      assertThat(payloadOf(subscriber.nextMessage())).isEqualTo(new Payload.Json("\"fine\""));
    }
  }

  @Test
  void observersHearEveryStepOfAConnectionSyncAndAsync() throws Exception {
    TestBeans.Recorder recorder = cdi.select(TestBeans.Recorder.class).get();
    try (WsClient c = connect()) {
      c.ok(id -> new Command.Subscribe(id, "chat"));
      c.ok(id -> new Command.Publish(id, "chat", new Payload.Json("\"darn\"")));
      c.ok(id -> new Command.Unsubscribe(id, "chat"));
    } // closes with 1000 "bye"

    List<HubEvent> sync = take(recorder.sync(), 5);
    Client client = sync.get(0).client();
    assertThat(sync)
        .containsExactly(
            new HubEvent.ConnectionOpened(client),
            new HubEvent.Subscribed(client, "chat"),
            new HubEvent.ClientPublished(client, "chat", new Payload.Json("\"****\""), 0, ""),
            new HubEvent.Unsubscribed(client, "chat"),
            new HubEvent.ConnectionClosed(client, 1000, "bye"));
    assertThat(take(recorder.async(), 5)).containsExactlyInAnyOrderElementsOf(sync);
  }

  private static Payload payloadOf(ServerMessage m) {
    assertThat(m).isInstanceOf(ServerMessage.Publication.class);
    return ((ServerMessage.Publication) m).payload();
  }

  private static <T> List<T> take(BlockingQueue<T> queue, int n) throws InterruptedException {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      T next = queue.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("item %d of %d, after %s", i + 1, n, out).isNotNull();
      out.add(next);
    }
    return out;
  }
}
