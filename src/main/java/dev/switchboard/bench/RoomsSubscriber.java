package dev.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One subscriber of a {@link RoomsBench}'s room; its state is touched only by its reactor thread.
 */
final class RoomsSubscriber implements WsConn.Listener {
  private final RoomsBench bench;
  final int index;
  final int room;

  /** The publisher of this room, or -1 when the room has none. */
  final int publisher;

  final int reactorIndex;
  final Marker marker = new Marker();
  long next;
  @Nullable Set<Long> gaps;
  boolean isSynced;

  RoomsSubscriber(RoomsBench bench, int index, int room, int publisher, int reactorIndex) {
    this.bench = bench;
    this.index = index;
    this.room = room;
    this.publisher = publisher;
    this.reactorIndex = reactorIndex;
  }

  @Override
  public void onOpen(WsConn c) {
    byte[] sub = bench.o.target().dialect().subscribeMessage(RoomsBench.roomName(room));
    try {
      if (sub != null) {
        c.sendText(sub);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bench.readySubs.increment();
  }

  @Override
  public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
    if (!marker.parse(payload)) {
      bench.rateLimits.message(payload);
      return; // replies and other traffic
    }
    long now = System.nanoTime();
    if (marker.publisher != publisher) {
      bench.badMessages.increment(); // another room's publication
      return;
    }
    long seq = marker.sequence;
    if (seq < 0) {
      if (!isSynced) {
        isSynced = true;
        bench.synced.incrementAndGet(room);
      }
      return;
    }
    if (seq == next) {
      next++;
    } else if (seq > next) {
      Set<Long> g = gaps == null ? (gaps = new HashSet<>()) : gaps;
      for (long s = next; s < seq && g.size() < 100_000; s++) {
        g.add(s);
      }
      next = seq + 1;
    } else if (gaps != null && gaps.remove(seq)) {
      bench.reordered.increment();
    } else {
      bench.duplicates.increment();
      return;
    }
    bench.delivered.increment();
    bench.deliveredBy.incrementAndGet(publisher);
    RoomsBench.Phase m = bench.measuring;
    if (m != RoomsBench.Phase.IDLE) {
      bench.inWindow[m.ordinal()].increment();
      bench.latency[m.ordinal()][reactorIndex].recordValue(
          Math.max(0, (now - marker.sentNanos) / 1000));
    }
  }

  long missing() {
    if (publisher < 0) {
      return 0;
    }
    long published = bench.publishers.get(publisher).published;
    return (gaps == null ? 0 : gaps.size()) + Math.max(0, published - next);
  }

  @Override
  public void onClose(WsConn c, int code, String why) {
    bench.closedSubs.increment();
    bench.rateLimits.close(code);
    if (!bench.o.quiet()) {
      bench.err.printf("%nsubscriber %d (room %d) closed: %d %s%n", index, room, code, why);
    }
  }
}
