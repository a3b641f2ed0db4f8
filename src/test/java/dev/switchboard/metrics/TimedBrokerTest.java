package dev.switchboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.DownBroker;
import dev.switchboard.testing.ForwardingBroker;
import dev.switchboard.testing.RecordingHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The one seam where engine calls are measured: each call is timed once when its stage completes,
 * and a failed stage or a throw counts as an error of that command, and nothing else changes.
 */
class TimedBrokerTest {
  private final EngineCommands commands = new EngineCommands();
  private static final PublishOptions NO_HISTORY = PublishOptions.NONE;

  @Test
  void aCallIsTimedOnceItsResultIsThereAndPassedOnAsItIs() {
    CompletableFuture<PublishResult> pending = new CompletableFuture<>();
    Broker slow =
        new ForwardingBroker(new MemoryBroker(Duration.ofHours(1))) {
          @Override
          public CompletionStage<PublishResult> publish(
              String channel, Payload payload, PublishOptions options) {
            return pending;
          }
        };
    Broker timed = new TimedBroker(slow, commands);
    CompletionStage<PublishResult> stage = timed.publish("a", new Payload.Json("1"), NO_HISTORY);
    assertThat(commands.histogram(EngineCommand.PUBLISH).count()).isZero();

    PublishResult result = new PublishResult(1, "e", false);
    pending.complete(result);

    assertThat(stage.toCompletableFuture().join()).isSameAs(result);
    assertThat(commands.histogram(EngineCommand.PUBLISH).count()).isEqualTo(1);
    assertThat(commands.errors(EngineCommand.PUBLISH)).isZero();
    assertThat(commands.histogram(EngineCommand.HISTORY).count()).isZero();
  }

  @Test
  void aFailedStageCountsAsAnErrorOfItsCommand() {
    Broker timed = new TimedBroker(new DownBroker(), commands);
    CompletionStage<?> stage = timed.history("a", new HistoryQuery(null, 10, false));
    assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
    assertThat(commands.errors(EngineCommand.HISTORY)).isEqualTo(1);
    assertThat(commands.histogram(EngineCommand.HISTORY).count()).isEqualTo(1);
    assertThat(commands.errors(EngineCommand.PUBLISH)).isZero();
  }

  @Test
  void aCallThatThrowsIsCountedAndTheThrowPassesThrough() {
    Broker throwing =
        new ForwardingBroker(new DownBroker()) {
          @Override
          public CompletionStage<Void> subscribe(String channel) {
            throw new IllegalStateException("refused at once");
          }
        };
    Broker timed = new TimedBroker(throwing, commands);
    assertThatThrownBy(() -> timed.subscribe("a")).hasMessage("refused at once");
    assertThat(commands.errors(EngineCommand.SUBSCRIBE)).isEqualTo(1);
  }

  @Test
  void startIsPassedOnUntimed() {
    MemoryBroker memory = new MemoryBroker(Duration.ofHours(1));
    RecordingHandler handler = new RecordingHandler();
    Broker timed = new TimedBroker(memory, commands);
    timed.start(handler);
    timed.subscribe("a").toCompletableFuture().join();
    timed.publish("a", new Payload.Json("1"), NO_HISTORY).toCompletableFuture().join();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> handler.publications().size() == 1);
    assertThat(commands.histogram(EngineCommand.SUBSCRIBE).count()).isEqualTo(1);
    timed.close();
  }
}
