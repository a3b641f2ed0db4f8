package dev.switchboard.metrics;

import dev.switchboard.hub.LatencyHistogram;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The duration and failures of every engine call, by {@link EngineCommand}: a lock-free histogram
 * and an error counter per command, read at scrape time. The duration runs from the call to the
 * completion of its stage, on {@link System#nanoTime}; a call that throws instead of returning a
 * stage counts as a failure too. Thread-safe.
 */
final class EngineCommands {
  private final Map<EngineCommand, LatencyHistogram> latency = new EnumMap<>(EngineCommand.class);
  private final Map<EngineCommand, LongAdder> errors = new EnumMap<>(EngineCommand.class);

  EngineCommands() {
    for (EngineCommand c : EngineCommand.values()) {
      latency.put(c, new LatencyHistogram());
      errors.put(c, new LongAdder());
    }
  }

  /** Runs {@code call} and records its duration and outcome; returns its stage as it is. */
  <T> CompletionStage<T> time(EngineCommand command, Supplier<CompletionStage<T>> call) {
    long start = System.nanoTime();
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      done(command, start, e);
      throw e;
    }
    stage.whenComplete((value, failure) -> done(command, start, failure));
    return stage;
  }

  private void done(EngineCommand command, long start, @Nullable Throwable failure) {
    histogram(command).record(System.nanoTime() - start);
    if (failure != null) {
      Objects.requireNonNull(errors.get(command), "every command has a counter").increment();
    }
  }

  LatencyHistogram histogram(EngineCommand command) {
    return Objects.requireNonNull(latency.get(command), "every command has a histogram");
  }

  long errors(EngineCommand command) {
    return Objects.requireNonNull(errors.get(command), "every command has a counter").sum();
  }
}
