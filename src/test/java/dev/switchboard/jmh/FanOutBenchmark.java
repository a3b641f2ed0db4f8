package dev.switchboard.jmh;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.hub.NamespaceOptions;
import dev.switchboard.hub.Namespaces;
import dev.switchboard.protocol.Payload;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One publication through the memory engine to 1, 100 and 1,000 in-memory subscribers, fanned out
 * on the publishing thread; time per publication (divide by subscribers for time per delivery).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class FanOutBenchmark {
  @Param({"1", "100", "1000"})
  public int subscribers;

  private Hub hub;
  private final Payload payload = new Payload.Json("\"" + "x".repeat(64) + "\"");

  @Setup(Level.Trial)
  public void setUp(Blackhole hole) {
    hub =
        Hub.start(
            new HubOptions(1 << 20, 16, Namespaces.only(NamespaceOptions.plain())),
            new MemoryBroker(Duration.ofHours(1)),
            new MemoryPresenceStore());
    for (int i = 0; i < subscribers; i++) {
      hub.open(new NullTransport(hole, true))
          .onText("{\"op\":\"subscribe\",\"channel\":\"bench\"}");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    hub.close();
  }

  @Benchmark
  public Object broadcast() {
    return hub.publish("bench", payload, null, null);
  }
}
