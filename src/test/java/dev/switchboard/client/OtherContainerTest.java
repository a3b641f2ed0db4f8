package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.ClientRecorder;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.websocket.jakarta.client.JakartaWebSocketClientContainer;
import org.junit.jupiter.api.Test;

/**
 * The client's annotated endpoint on another Jakarta WebSocket client than Tyrus: Jetty's, as an
 * application server would provide one. Only the portable API is used, so it works the same.
 */
class OtherContainerTest {
  @Test
  void theClientSubscribesPublishesAndReadsHistoryOnJettysJakartaClient() throws Exception {
    StandaloneServer server =
        TestServers.start(
            Map.of("namespace.e2e.history.size", "10", "namespace.e2e.history.ttl", "10m"));
    JakartaWebSocketClientContainer jetty = new JakartaWebSocketClientContainer();
    jetty.start();
    try {
      Options options = SwitchboardClient.builder(server.wsUri().resolve("/ws")).options();
      try (SwitchboardClient client =
          new JakartaSwitchboardClient(options, JakartaTransport.connector(options, jetty))) {
        client.connect().get(10, TimeUnit.SECONDS);
        ClientRecorder recorder = new ClientRecorder();
        client.subscribe("e2e:jetty", recorder);
        assertThat(recorder.nextSubscribed()).isEqualTo("recovered");

        assertThat(client.publish("e2e:jetty", "{\"on\":\"jetty\"}").get(10, TimeUnit.SECONDS))
            .extracting(Reply::offset)
            .isEqualTo(1L);
        client.publishBinary("e2e:jetty", new byte[] {4, 2}).get(10, TimeUnit.SECONDS);
        await().until(() -> recorder.messages.size() == 2);
        assertThat(recorder.messages.get(0).json()).isEqualTo("{\"on\":\"jetty\"}");
        assertThat(recorder.messages.get(1).bytes()).containsExactly(4, 2);
        assertThat(client.history("e2e:jetty", 10).get(10, TimeUnit.SECONDS).offset()).isEqualTo(2);
      }
    } finally {
      jetty.stop();
      server.stop(Duration.ofSeconds(1));
    }
  }
}
