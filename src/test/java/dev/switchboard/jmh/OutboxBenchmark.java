package dev.switchboard.jmh;

import dev.switchboard.hub.Outbox;
import dev.switchboard.hub.QueuedFrame;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** The outbox: one frame offered and sent, and 64 queued then flushed as one batch. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class OutboxBenchmark {
  private final QueuedFrame frame =
      new QueuedFrame.Text("{\"channel\":\"demo:lobby\",\"data\":\"" + "x".repeat(64) + "\"}");
  private Outbox single;
  private Outbox batched;

  @Setup
  public void setUp(Blackhole hole) {
    frame.wire();
    single = new Outbox(new NullTransport(hole, false), 1 << 20, f -> {});
    batched = new Outbox(new NullTransport(hole, true), 1 << 20, f -> {});
  }

  @Benchmark
  public Outbox.Offer offerOne() {
    return single.offer(frame);
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public void enqueue64ThenFlush() {
    for (int i = 0; i < 64; i++) {
      batched.enqueue(frame, false);
    }
    batched.flush();
  }
}
