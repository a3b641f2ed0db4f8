package dev.switchboard.bench;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * One subscriber of {@link KafkaBench}, on channel {@code kb:c<channel>}: subscribes when open,
 * then checks that the records ({@code {"n":...}}, {@code n % channels == channel}) arrive once and
 * in order. Its fields belong to its reactor thread, except {@code first} and {@code last}
 * (volatile, read at the end) and the shared {@link Tally}.
 */
final class KafkaSubscriber implements WsConn.Listener {
  /** Counts over all subscribers, read by the benchmark's thread. */
  static final class Tally {
    final LongAdder delivered = new LongAdder();
    final LongAdder ready = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder finished = new LongAdder();

    /** One permit per subscriber whose subscription was confirmed or that closed. */
    final Semaphore settled = new Semaphore(0);

    /** Set when the benchmark closes the connections itself: closes are no longer counted. */
    volatile boolean stopping;
  }

  private static final byte[] N = "\"n\":".getBytes(StandardCharsets.US_ASCII);
  final int channel;
  final long expected;
  private final int channels;
  private final Tally tally;
  private long next;
  long received;
  long lost;
  long duplicates;
  volatile long first = Long.MAX_VALUE;
  volatile long last;
  private boolean done;

  KafkaSubscriber(int channel, int channels, long expected, Tally tally) {
    this.channel = channel;
    this.channels = channels;
    this.expected = expected;
    this.tally = tally;
    this.next = channel;
  }

  @Override
  public void onOpen(WsConn c) {
    try {
      c.sendText(
          CommandEncoder.encode(new Command.Subscribe(1, "kb:c" + channel))
              .getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      c.close(1006, e.toString());
    }
  }

  @Override
  public void onMessage(WsConn c, boolean text, ByteBuffer payload) {
    long n = number(payload);
    if (n < 0) {
      String reply = StandardCharsets.UTF_8.decode(payload).toString();
      if (reply.startsWith("{\"id\":1,") && !reply.contains("\"error\"")) {
        tally.ready.increment(); // the subscription is in place
        tally.settled.release();
      } else if (reply.startsWith("{\"id\":1,")) {
        System.err.println("subscribe refused: " + reply);
        c.close(1000, "refused");
      }
      return;
    }
    long now = System.nanoTime();
    if (first == Long.MAX_VALUE) {
      first = now;
    }
    last = now;
    if (n == next) {
      next += channels;
    } else if (n > next) {
      lost += (n - next) / channels;
      next = n + channels;
    } else {
      duplicates++;
      return;
    }
    received++;
    tally.delivered.increment();
    if (!done && received == expected) {
      done = true;
      tally.finished.increment();
    }
  }

  /** The record's {@code n}, or -1 when the message is not a bridged record. */
  private static long number(ByteBuffer p) {
    int end = p.limit();
    outer:
    for (int i = p.position(); i + N.length < end; i++) {
      for (int j = 0; j < N.length; j++) {
        if (p.get(i + j) != N[j]) {
          continue outer;
        }
      }
      long n = 0;
      int k = i + N.length;
      while (k < end && p.get(k) >= '0' && p.get(k) <= '9') {
        n = n * 10 + (p.get(k++) - '0');
      }
      return n;
    }
    return -1;
  }

  @Override
  public void onClose(WsConn c, int code, String why) {
    if (tally.stopping) {
      return;
    }
    tally.closed.increment();
    tally.settled.release();
    System.err.printf("%nsubscriber of channel %d closed: %d %s%n", channel, code, why);
  }
}
