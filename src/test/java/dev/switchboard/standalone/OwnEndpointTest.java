package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.app.Published;
import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.frame.Frame;
import dev.switchboard.frame.Opcode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.WsClient;
import dev.switchboard.web.RunningDeployments;
import dev.switchboard.web.TickerEndpoint;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application's own {@code @ServerEndpoint} ({@link TickerEndpoint}, deployed from its
 * annotation on Tyrus beside the hub endpoint) attaches its sessions to hub channels and gets the
 * hub's guarantees in its own format: publications made through the {@code Channels} facade, the
 * slow-consumer close (4000) through the same outbox, the rate limit (4002), closes counted, and
 * recovery from an offset.
 */
class OwnEndpointTest {
  private static final long OUTBOX = 128 * 1024;

  /** Bounds the slow-consumer test: the stalled client is closed long before this many. */
  private static final int MAX_MESSAGES = 20_000;

  /**
   * Messages per second a session may send (bursts of twice that): above what the other tests send
   * at once, far below what a client sending without pause does.
   */
  private static final int RATE = 3;

  /** Bounds the flooding test: the flooder is closed after about three seconds of refusals. */
  private static final int MAX_FLOOD = 100_000;

  private final ServerAssembly assembly;
  private final HttpServer http;
  private final AutoCloseable registration;
  private final int port;
  private final List<AutoCloseable> clients = new ArrayList<>();

  OwnEndpointTest() throws IOException, DeploymentException {
    Map<String, String> settings = new HashMap<>();
    settings.put("outbox.max-bytes", String.valueOf(OUTBOX));
    settings.put("namespace.ticks.history.size", "100");
    settings.put("namespace.ticks.history.ttl", "10m");
    settings.put("ws.rate.messages", String.valueOf(RATE));
    settings.put("ws.rate.bytes", "0");
    assembly = new ServerAssembly(ServerConfig.defaults(settings), List.of());
    registration = RunningDeployments.register(TickerEndpoint.class.getClassLoader(), assembly);
    TyrusContainer container = new TyrusContainer(1 << 20);
    assembly.endpoints().prepare(container);
    for (ServerEndpointConfig c : assembly.endpoints().configs()) {
      container.register(c);
    }
    container.register(TickerEndpoint.class);
    NetworkListener listener = new NetworkListener("own-endpoint-test", "127.0.0.1", 0);
    listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
    listener.registerAddOn(new WebSocketAddOn(container, "/"));
    http = new HttpServer();
    http.addListener(listener);
    http.start();
    port = listener.getPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    assembly.stopGracefully(Duration.ofSeconds(2), () -> {});
    http.shutdownNow();
    registration.close();
    assembly.close();
  }

  @Test
  void aClientOfTheOwnEndpointGetsPublicationsInItsFormatWhileHubClientsGetTheHubProtocol() {
    WsClient ticker = client("/ticker");
    WsClient hubClient = WsClient.connect(uri("/ws"));
    clients.add(hubClient);
    hubClient.ok(id -> new Command.Subscribe(id, "ticks:a"));
    ticker.send("sub ticks:a");
    assertThat(ticker.nextText()).isEqualTo("subscribed ticks:a 0 true");

    Published p = publish("ticks:a", "{\"n\":1}");

    assertThat(ticker.nextText())
        .isEqualTo("tick ticks:a " + p.offset() + " " + p.epoch() + " {\"n\":1}");
    ServerMessage.Publication hub = (ServerMessage.Publication) hubClient.nextMessage();
    assertThat(((Payload.Json) hub.payload()).json()).isEqualTo("{\"n\":1}");
    assertThat(hub.offset()).isEqualTo(p.offset());

    ticker.send("unsub ticks:a");
    assertThat(ticker.nextText()).isEqualTo("unsubscribed ticks:a");
    ticker.send("unsub ticks:a");
    assertThat(ticker.nextText()).startsWith("refused ticks:a not subscribed");
    String tooLong = "x".repeat(200);
    ticker.send("sub " + tooLong);
    assertThat(ticker.nextText()).startsWith("refused " + tooLong + " ");
  }

  @Test
  void aTickerClientThatStopsReadingIsClosedAsSlowWhileAHealthyOneReceivesEverythingInOrder()
      throws Exception {
    WsClient healthy = client("/ticker");
    healthy.send("sub ticks:feed");
    assertThat(healthy.nextText()).startsWith("subscribed ticks:feed");
    RawWsClient stalled = RawWsClient.connect("127.0.0.1", port, "/ticker", 4096);
    clients.add(stalled);
    stalled.sendText("sub ticks:feed");
    assertThat(stalled.readFrame().text()).startsWith("subscribed ticks:feed");
    // From here on the stalled client reads nothing: its socket fills, then its outbox.

    String pad = "x".repeat(8000);
    int sent = 0;
    // The healthy client reads each publication before the next is made: it never lags, so
    // whatever the machine's speed only the stalled one can overflow.
    while (sent < MAX_MESSAGES && slowConsumerCloses() == 0) {
      publish("ticks:feed", "{\"seq\":" + sent + ",\"pad\":\"" + pad + "\"}");
      assertThat(healthy.nextText()).contains("{\"seq\":" + sent++ + ",");
    }
    for (int i = 0; i < 20; i++) {
      publish("ticks:feed", "{\"seq\":" + sent + ",\"pad\":\"" + pad + "\"}");
      assertThat(healthy.nextText()).contains("{\"seq\":" + sent++ + ",");
    }

    assertThat(slowConsumerCloses()).isEqualTo(1);
    int received = 0;
    Frame frame;
    while ((frame = stalled.readFrame()).opcode() != Opcode.CLOSE) {
      assertThat(frame.text()).contains("{\"seq\":" + received++ + ",");
    }
    assertThat(frame.closeCode()).isEqualTo(4000);
    assertThat(received).isLessThan(sent);
    await().until(() -> assembly.hub().queuedBytes() == 0);
  }

  @Test
  void aTickerClientReconnectingFromItsLastOffsetGetsWhatItMissedOnceAndInOrder() {
    WsClient first = client("/ticker");
    first.send("sub ticks:r");
    assertThat(first.nextText()).startsWith("subscribed ticks:r");
    publish("ticks:r", "{\"n\":1}");
    Published second = publish("ticks:r", "{\"n\":2}");
    first.nextText();
    assertThat(first.nextText()).endsWith("{\"n\":2}");
    first.close();
    publish("ticks:r", "{\"n\":3}");
    publish("ticks:r", "{\"n\":4}");

    WsClient again = client("/ticker");
    again.send("sub ticks:r " + second.offset() + " " + second.epoch());
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      lines.add(again.nextText());
    }
    publish("ticks:r", "{\"n\":5}");
    lines.add(again.nextText());

    assertThat(lines.stream().filter(l -> l.startsWith("tick ")).map(l -> l.split(" ")[4]))
        .containsExactly("{\"n\":3}", "{\"n\":4}", "{\"n\":5}");
    assertThat(lines).contains("subscribed ticks:r " + (second.offset() + 2) + " true");

    again.send("sub ticks:r");
    assertThat(again.nextText()).startsWith("refused ticks:r already subscribed");
  }

  @Test
  void aFloodingTickerClientHasItsExcessDroppedThenIsClosedWith4002WhileAnotherKeepsReceiving() {
    WsClient healthy = client("/ticker");
    healthy.send("sub ticks:flood");
    assertThat(healthy.nextText()).startsWith("subscribed ticks:flood");
    WsClient flooder = client("/ticker");

    // One message at a time, each answered (pong, or dropped when received() said false) but the
    // one that gets the session closed: the client never outruns its own outbox.
    List<String> replies = new ArrayList<>();
    for (int i = 0; i < MAX_FLOOD && !flooder.closed().toCompletableFuture().isDone(); i++) {
      flooder.send("ping");
      await()
          .pollInterval(Duration.ofMillis(1))
          .until(() -> flooder.hasMessage() || flooder.closed().toCompletableFuture().isDone());
      if (flooder.hasMessage()) {
        replies.add(flooder.nextText());
      }
    }

    assertThat(flooder.awaitClose().code()).isEqualTo(4002);
    assertThat(replies).contains("pong", "dropped");
    assertThat(replies.indexOf("dropped"))
        .as("the burst is served first")
        .isGreaterThanOrEqualTo(2 * RATE);
    assertThat(assembly.hub().metrics().closes(4002)).isEqualTo(1);
    assertThat(assembly.hub().metrics().errors(ErrorCode.RATE_LIMITED))
        .isEqualTo(replies.stream().filter("dropped"::equals).count() + 1);
    Published p = publish("ticks:flood", "{\"n\":1}");
    assertThat(healthy.nextText())
        .isEqualTo("tick ticks:flood " + p.offset() + " " + p.epoch() + " {\"n\":1}");
  }

  @Test
  void theEndpointClosesItsSessionWithItsOwnCodeThroughTheHubCountedOnce() {
    WsClient ticker = client("/ticker");
    ticker.send("sub ticks:bye");
    assertThat(ticker.nextText()).startsWith("subscribed ticks:bye");

    ticker.send("bye 4100 enough");

    assertThat(ticker.awaitClose()).isEqualTo(new WsClient.Close(4100, "enough"));
    await().until(() -> assembly.endpoints().openSessions() == 0);
    assertThat(assembly.hub().metrics().closes(4100)).isEqualTo(1);
    assertThat(assembly.hub().connectionCount()).isZero();
  }

  @Test
  void aCloseTheContainerMakesForAnAttachedSessionIsCounted() throws IOException {
    RawWsClient raw = RawWsClient.connect("127.0.0.1", port, "/ticker", 4096);
    clients.add(raw);

    raw.sendFrame(Opcode.TEXT, true, new byte[] {(byte) 0xC3, 0x28}); // invalid UTF-8

    assertThat(raw.readUntilClose().closeCode()).isEqualTo(1007);
    await().until(() -> assembly.hub().metrics().closes(1007) == 1);
    await().until(() -> assembly.endpoints().openSessions() == 0);
  }

  @Test
  void theServersOwnEndpointsAreLeftOutOfAWebApplicationsScan() {
    Set<Class<?>> scanned =
        Set.of(
            TickerEndpoint.class,
            dev.switchboard.server.HubEndpoint.class,
            dev.switchboard.server.EchoEndpoint.class);
    dev.switchboard.server.SwitchboardApplicationConfig config =
        new dev.switchboard.server.SwitchboardApplicationConfig();
    assertThat(config.getAnnotatedEndpointClasses(scanned)).containsExactly(TickerEndpoint.class);
    assertThat(config.getEndpointConfigs(Set.of())).isEmpty();
  }

  @Test
  void aGracefulStopClosesAttachedAndHubSessionsWith1012AndOnesOpenedAfterwardsAtOnce() {
    WsClient ticker = client("/ticker");
    WsClient hubClient = WsClient.connect(uri("/ws"));
    clients.add(hubClient);
    ticker.send("sub ticks:a");
    assertThat(ticker.nextText()).isEqualTo("subscribed ticks:a 0 true");
    hubClient.ok(id -> new Command.Subscribe(id, "ticks:a"));

    // This host cannot unbind its port: the hub closes what still arrives.
    assembly.stopGracefully(Duration.ofSeconds(30), () -> {});

    WsClient.Close restart = new WsClient.Close(1012, "server shutting down");
    assertThat(ticker.awaitClose()).isEqualTo(restart);
    assertThat(hubClient.awaitClose()).isEqualTo(restart);
    assertThat(client("/ticker").awaitClose()).isEqualTo(restart);
    WsClient late = WsClient.connect(uri("/ws"));
    clients.add(late);
    assertThat(late.awaitClose()).isEqualTo(restart);
  }

  private WsClient client(String path) {
    WsClient c = WsClient.connect(uri(path), null, null, null);
    clients.add(c);
    return c;
  }

  private URI uri(String path) {
    return URI.create("ws://127.0.0.1:" + port + path);
  }

  private Published publish(String channel, String json) {
    return assembly.channels().publish(channel, json).toCompletableFuture().join();
  }

  private long slowConsumerCloses() {
    return assembly.hub().metrics().closes(4000);
  }
}
