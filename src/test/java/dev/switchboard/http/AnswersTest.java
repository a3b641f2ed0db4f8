package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How answers from the engine become HTTP responses. */
class AnswersTest {
  private final Hub hub =
      Hub.start(
          HubOptions.defaults(), new MemoryBroker(Duration.ofHours(1)), new MemoryPresenceStore());

  @Test
  void anEngineThatNeverAnswersGets503OnceTheTimeoutPasses() {
    Answers answers = new Answers(hub.metrics(), Duration.ofMillis(1));

    ApiResponse r =
        answers.fromEngine(new CompletableFuture<String>(), s -> s).toCompletableFuture().join();

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json()).contains("\"code\":109").contains("engine did not answer within");
    assertThat(hub.metrics().errors(ErrorCode.UNAVAILABLE)).isEqualTo(1);
  }

  @Test
  void aRefusalFromTheEngineKeepsItsCodeAndGetsItsStatus() {
    Answers answers = new Answers(hub.metrics());

    ApiResponse r =
        answers
            .fromEngine(
                CompletableFuture.<String>failedFuture(
                    new ProtocolException(ErrorCode.FORBIDDEN, "not yours", Command.NO_ID)),
                s -> s)
            .toCompletableFuture()
            .join();

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json()).contains("\"code\":111").contains("not yours");
    assertThat(hub.metrics().errors(ErrorCode.FORBIDDEN)).isEqualTo(1);
  }

  @Test
  void theTimeoutNeverCompletesTheEnginesOwnFuture() {
    Answers answers = new Answers(hub.metrics(), Duration.ofMillis(1));
    CompletableFuture<String> engine = new CompletableFuture<>();

    answers.fromEngine(engine, s -> s).toCompletableFuture().join();

    assertThat(engine).isNotDone();
  }
}
