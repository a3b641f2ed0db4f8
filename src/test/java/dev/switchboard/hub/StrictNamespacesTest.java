package dev.switchboard.hub;

import static dev.switchboard.testing.WsClient.assertErrorReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * namespaces.strict: a channel or pattern of a namespace that is not configured is refused with 104
 * naming the namespace, and nothing is published; without it, such a channel gets the defaults.
 */
class StrictNamespacesTest {
  private HubHarness h = harness(true);

  private static HubHarness harness(boolean strict) {
    return new HubHarness(
        new HubOptions(
            1 << 20,
            16,
            new Namespaces(HubHarness.HISTORY, Map.of("orders", HubHarness.HISTORY), strict)));
  }

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void everyCommandOnAnUnknownNamespaceIsRefusedWith104AndItsId() {
    HubHarness.Client watcher = h.connect();
    watcher.command(id -> new Command.Subscribe(id, "*"));
    assertThat(watcher.takeMessage()).isInstanceOf(ServerMessage.Ok.class);
    HubHarness.Client c = h.connect();
    List<LongFunction<Command>> commands =
        List.of(
            id -> new Command.Subscribe(id, "ordrs:1"),
            id -> new Command.Subscribe(id, "ordrs:*"),
            id -> new Command.Publish(id, "ordrs:1", new Payload.Json("{}"), null),
            id -> new Command.History(id, "ordrs:1", null, Command.History.ALL, false),
            id -> new Command.Presence(id, "ordrs:1"));
    for (LongFunction<Command> command : commands) {
      long id = c.command(command);
      ServerMessage.ErrorReply e = assertErrorReply(c.takeMessage(), id, ErrorCode.BAD_CHANNEL);
      assertThat(e.message()).isEqualTo("unknown namespace ordrs");
    }
    assertThat(c.connection.isOpen()).isTrue();
    assertThat(watcher.takeMessages()).isEmpty(); // nothing was published

    c.command(id -> new Command.Publish(id, "orders:1", new Payload.Json("{}"), null));
    assertThat(watcher.takeMessages())
        .singleElement()
        .isInstanceOfSatisfying(
            ServerMessage.Publication.class, p -> assertThat(p.offset()).isEqualTo(1));
  }

  @Test
  void theBackendPathsRefuseTooWithNoCommandId() {
    assertUnknown(h.hub.history("ordrs:1", null, 10, false));
    assertUnknown(h.hub.presenceOf("ordrs:1"));
    assertThatThrownBy(() -> h.hub.checkSize("ordrs:1", new Payload.Json("{}")))
        .isInstanceOfSatisfying(ProtocolException.class, StrictNamespacesTest::assertUnknown);
  }

  private static void assertUnknown(CompletionStage<?> stage) {
    assertThat(stage.toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .satisfies(
            e ->
                assertThat(e.getCause())
                    .isInstanceOfSatisfying(
                        ProtocolException.class, StrictNamespacesTest::assertUnknown));
  }

  private static void assertUnknown(ProtocolException e) {
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_CHANNEL);
    assertThat(e.commandId()).isEqualTo(Command.NO_ID);
    assertThat(e.getMessage()).isEqualTo("unknown namespace ordrs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lobby", "orders:1"})
  void defaultAndConfiguredNamespacesStillWork(String channel) {
    HubHarness.Client c = h.connect();
    long sub = c.command(id -> new Command.Subscribe(id, channel));
    HubHarness.assertSubscribedAt(c.takeMessage(), sub, 0);
    long pub = c.command(id -> new Command.Publish(id, channel, new Payload.Json("{}"), null));
    assertThat(c.takeMessages())
        .anySatisfy(m -> assertThat(m).isInstanceOf(ServerMessage.Ok.class))
        .anySatisfy(m -> assertThat(m).isInstanceOf(ServerMessage.Publication.class));
    assertThat(pub).isPositive();
    HubHarness.Client p = h.connect();
    long pat = p.command(id -> new Command.Subscribe(id, "orders:*"));
    assertThat(p.takeMessage()).isInstanceOf(ServerMessage.Ok.class);
    assertThat(pat).isPositive();
  }

  @Test
  void withoutStrictAnUnknownNamespaceGetsTheDefaultsAsBefore() {
    h.close();
    h = harness(false);
    HubHarness.Client c = h.connect();
    long sub = c.command(id -> new Command.Subscribe(id, "ordrs:1"));
    HubHarness.assertSubscribedAt(c.takeMessage(), sub, 0);
    c.command(id -> new Command.Publish(id, "ordrs:1", new Payload.Json("{}"), null));
    c.takeMessages();
    assertThat(h.hub.history("ordrs:1", null, Command.History.ALL, false))
        .succeedsWithin(Duration.ofSeconds(5))
        .satisfies(r -> assertThat(r.publications()).hasSize(1));
  }
}
