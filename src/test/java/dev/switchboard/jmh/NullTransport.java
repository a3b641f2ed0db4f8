package dev.switchboard.jmh;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.CloseCode;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/** A transport whose writes complete at once, like a socket that always has room. */
final class NullTransport implements Transport {
  private final Blackhole hole;
  private final boolean batching;

  NullTransport(Blackhole hole, boolean batching) {
    this.hole = hole;
    this.batching = batching;
  }

  @Override
  public void send(QueuedFrame frame, SendCallback done) {
    hole.consume(frame.wire());
    done.completed(null);
  }

  @Override
  public int maxBatchBytes() {
    return batching ? 64 * 1024 : 0;
  }

  @Override
  public void sendBatch(List<QueuedFrame> frames, SendCallback done) {
    for (QueuedFrame f : frames) {
      hole.consume(f.wire());
    }
    done.completed(null);
  }

  @Override
  public void ping() {}

  @Override
  public void close(CloseCode code, String reason) {}
}
