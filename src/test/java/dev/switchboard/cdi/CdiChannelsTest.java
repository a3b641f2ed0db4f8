package dev.switchboard.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.switchboard.app.ChannelException;
import dev.switchboard.app.Channels;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import dev.switchboard.web.RunningDeployments;
import jakarta.json.Json;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code @Inject Channels} in a real CDI container (Weld SE) publishing to a real standalone
 * server, read by a real WebSocket client. The server is registered as the application's running
 * Switchboard the way the web initializer registers it.
 */
class CdiChannelsTest {
  private final StandaloneServer server = TestServers.start();
  private final WeldContainer cdi =
      new Weld()
          .disableDiscovery()
          .addBeanClasses(ChannelsProducer.class, TestBeans.Publisher.class)
          .initialize();
  private final Channels channels = cdi.select(TestBeans.Publisher.class).get().channels();
  private AutoCloseable running = () -> {};

  @AfterEach
  void close() throws Exception {
    running.close();
    cdi.close();
    server.close();
  }

  private void switchboardRuns() {
    running = RunningDeployments.register(getClass().getClassLoader(), server.assembly());
  }

  @Test
  void jsonTextPublishedThroughTheInjectedFacadeReachesASubscriber() throws Exception {
    switchboardRuns();
    try (WsClient sub = subscribed("news")) {
      await(channels.publish("news", "{\"n\":1}"));

      assertThat(sub.nextMessage())
          .isEqualTo(new ServerMessage.Publication("news", 0, "", new Payload.Json("{\"n\":1}")));
    }
  }

  @Test
  void aJsonPObjectIsPublishedAsItsOwnText() throws Exception {
    switchboardRuns();
    try (WsClient sub = subscribed("news")) {
      await(channels.publishObject("news", Json.createObjectBuilder().add("n", 2).build()));

      assertThat(payloadOf(sub.nextMessage())).isEqualTo(new Payload.Json("{\"n\":2}"));
    }
  }

  @Test
  void anyOtherObjectIsWrittenByJsonBWithItsAnnotations() throws Exception {
    switchboardRuns();
    try (WsClient sub = subscribed("orders")) {
      await(channels.publishObject("orders", new TestBeans.Order("A1", 2)));

      assertThat(payloadOf(sub.nextMessage()))
          .isEqualTo(new Payload.Json("{\"order_id\":\"A1\",\"quantity\":2}"));
    }
  }

  @Test
  void badInputFailsTheStageAndPublishesNothing() throws Exception {
    switchboardRuns();
    try (WsClient sub = subscribed("news")) {
      assertFailsWith(channels.publish("news", "{\"n\":"), ErrorCode.MALFORMED);
      assertFailsWith(channels.publish("news two", "1"), ErrorCode.BAD_CHANNEL);
      assertFailsWith(channels.publishObject("news", new Unwritable()), ErrorCode.MALFORMED);
      await(channels.publish("news", "\"marker\""));

      assertThat(payloadOf(sub.nextMessage())).isEqualTo(new Payload.Json("\"marker\""));
    }
  }

  @Test
  void withoutARunningSwitchboardEveryCallFailsWithUnavailableAndNeverBlocks() {
    ChannelException e = assertFailsWith(channels.publish("news", "1"), ErrorCode.UNAVAILABLE);
    assertThat(e).hasMessage("Switchboard is not running in this application");
    assertFailsWith(channels.publishObject("news", 1), ErrorCode.UNAVAILABLE);
    assertFailsWith(channels.publishBinary("news", new byte[] {1}), ErrorCode.UNAVAILABLE);
    assertFailsWith(channels.history("news", 1, false), ErrorCode.UNAVAILABLE);
    assertFailsWith(channels.history("news", 0, "e", 1), ErrorCode.UNAVAILABLE);
    assertFailsWith(channels.presence("news"), ErrorCode.UNAVAILABLE);
    assertFailsWith(
        channels.disconnectUser("bob", CloseCode.GOING_AWAY, "bye"), ErrorCode.UNAVAILABLE);
    assertFailsWith(channels.unsubscribeUser("bob", "news", "bye"), ErrorCode.UNAVAILABLE);
  }

  @Test
  void aFacadeInjectedBeforeSwitchboardStartedWorksOnceItRuns() throws Exception {
    assertFailsWith(channels.publish("news", "1"), ErrorCode.UNAVAILABLE);

    switchboardRuns();
    try (WsClient sub = subscribed("news")) {
      await(channels.publish("news", "2"));

      assertThat(payloadOf(sub.nextMessage())).isEqualTo(new Payload.Json("2"));
    }
  }

  @Test
  void afterSwitchboardStoppedTheSameFacadeFailsWithUnavailableAgain() throws Exception {
    switchboardRuns();
    await(channels.publish("news", "1"));

    running.close();
    running = () -> {};

    assertFailsWith(channels.publish("news", "2"), ErrorCode.UNAVAILABLE);
  }

  /** JSON-B refuses to write an object whose getter throws. */
  public static final class Unwritable {
    public String getValue() {
      throw new IllegalStateException("no value");
    }
  }

  private WsClient subscribed(String channel) {
    WsClient c = WsClient.connect(server.wsUri().resolve("/ws"));
    c.ok(id -> new Command.Subscribe(id, channel));
    return c;
  }

  private static Payload payloadOf(ServerMessage m) {
    assertThat(m).isInstanceOf(ServerMessage.Publication.class);
    return ((ServerMessage.Publication) m).payload();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ChannelException assertFailsWith(CompletionStage<?> stage, ErrorCode code) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    assertThat(t.getCause()).isInstanceOf(ChannelException.class);
    ChannelException e = (ChannelException) t.getCause();
    assertThat(e.code()).isEqualTo(code);
    return e;
  }
}
