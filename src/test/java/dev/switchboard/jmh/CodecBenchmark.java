package dev.switchboard.jmh;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The codec: decoding a publish command, encoding and framing a publication. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CodecBenchmark {
  private final CommandDecoder decoder = new CommandDecoder();
  private final String publish64 =
      "{\"id\":17,\"op\":\"publish\",\"channel\":\"demo:lobby\",\"data\":\""
          + "x".repeat(64)
          + "\"}";
  private final String publishObject =
      "{\"id\":18,\"op\":\"publish\",\"channel\":\"orders:eu\",\"data\":{\"order\":123,"
          + "\"items\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}],\"total\":49.9}}";

  @Benchmark
  public Command decodePublish_64B() throws ProtocolException {
    return decoder.decode(publish64);
  }

  @Benchmark
  public Command decodePublish_object() throws ProtocolException {
    return decoder.decode(publishObject);
  }

  @Benchmark
  public byte[] encodeAndFramePublication_64B() {
    return new QueuedFrame.Text(
            ServerMessageEncoder.publication(
                "demo:lobby", 42, "k2j1x9", "\"" + "x".repeat(64) + "\""))
        .wire();
  }
}
