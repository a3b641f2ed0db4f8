package dev.switchboard.bridge.jms;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.hooks.HubEvent;
import dev.switchboard.hooks.HubEventListener;
import dev.switchboard.log.LogLimiter;
import dev.switchboard.protocol.Payload;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A sink bridge: client publications accepted on this node whose channel matches one of {@code
 * forward-channels} are sent to the destination as a {@code TextMessage} (JSON data, as published)
 * or a {@code BytesMessage} (binary data), with the properties {@value #CHANNEL}, {@value #OFFSET}
 * and {@value #EPOCH}. Each node forwards what its own clients published, so every client
 * publication is forwarded once per cluster; HTTP API and application publishes are not forwarded.
 *
 * <p>The hub's listener only queues (it must not block); the bridge's thread sends. A full queue
 * drops the publication and counts it; a failed send is retried after a reconnect. At stop the
 * thread goes on sending what is queued for up to {@code drain-timeout}; what is still unsent then
 * (or arrives later) is counted under {@code dropped} and logged, never lost silently.
 */
final class JmsSink implements HubEventListener, Runnable {
  static final String CHANNEL = "switchboard_channel";
  static final String OFFSET = "switchboard_offset";
  static final String EPOCH = "switchboard_epoch";

  private static final System.Logger LOG = System.getLogger(JmsSink.class.getName());

  /**
   * Publications waiting to be sent: at 64 KiB each at most 640 MiB, in practice far less; enough
   * to ride out a broker restart of a few seconds at thousands of publications a second.
   */
  private static final int QUEUE_CAPACITY = 10_000;

  /** How long the sender waits for work: bounds how late it notices a close. */
  private static final long POLL_MS = 500;

  /** Retry delay after a lost connection: a broker restart takes seconds. */
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final JmsBridgeOptions options;
  private final ConnectionFactory factory;
  private final BridgeCounters counters;
  private final List<Pattern> patterns;
  private final BlockingQueue<HubEvent.ClientPublished> queue =
      new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final LogLimiter warnings = LogLimiter.of(LOG);

  /** Set by {@link #close}. */
  private final Stop closed = new Stop();

  /** When a stopped sink gives up sending (System.nanoTime); written before {@link #closed}. */
  private volatile long drainDeadline;

  /** Set by the bridge's thread once it counted what it left unsent; later arrivals count here. */
  private volatile boolean finished;

  /** Taken from the queue and not yet sent; only the bridge's thread touches it. */
  private HubEvent.@Nullable ClientPublished pending;

  JmsSink(JmsBridgeOptions options, ConnectionFactory factory, BridgeCounters counters) {
    this.options = options;
    this.factory = factory;
    this.counters = counters;
    counters.measureLag(queue::size);
    this.patterns = options.forwardChannels().stream().map(JmsSink::glob).toList();
  }

  /** {@code *} matches any run of characters; everything else is literal. */
  static Pattern glob(String pattern) {
    List<String> parts = List.of(pattern.split("\\*", -1));
    return Pattern.compile(String.join(".*", parts.stream().map(Pattern::quote).toList()));
  }

  boolean forwards(String channel) {
    for (Pattern p : patterns) {
      if (p.matcher(channel).matches()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void on(HubEvent event) {
    if (event instanceof HubEvent.ClientPublished p && forwards(p.channel())) {
      if (!queue.offer(p)) {
        counters.dropped.increment();
        warnings.warn("full", "JMS bridge " + options.name() + ": queue full, publication dropped");
      } else if (finished && queue.remove(p)) {
        // The thread counted what was left before this arrived: count this one here.
        counters.dropped.increment();
        warnings.warn("stopped", "JMS bridge " + options.name() + ": stopped, publication dropped");
      }
    }
  }

  @Override
  public void run() {
    while (!done()) {
      try (JMSContext context =
          factory.createContext(options.user(), options.password(), JMSContext.AUTO_ACKNOWLEDGE)) {
        Destination destination = JmsSource.destination(context, options.destination());
        JMSProducer producer = context.createProducer();
        counters.state("running");
        send(context, producer, destination);
      } catch (JMSRuntimeException e) {
        counters.failures.increment();
        counters.state("reconnecting");
        warnings.warn("connection", "JMS bridge " + options.name() + ": " + e, e);
        retryPause();
      }
    }
    finished = true;
    int unsent = (pending == null ? 0 : 1) + queue.drainTo(new ArrayList<>());
    pending = null;
    if (unsent > 0) {
      counters.dropped.add(unsent);
      LOG.log(
          Level.WARNING,
          "JMS bridge "
              + options.name()
              + " stopped with "
              + unsent
              + " publications not sent within drain-timeout ("
              + options.drainTimeout().toMillis()
              + " ms): counted as dropped");
    }
    counters.state("closed");
  }

  /**
   * Whether the thread is to end: stopped, and either nothing is left to send or the drain time is
   * up.
   */
  private boolean done() {
    return closed.isSet()
        && ((pending == null && queue.isEmpty()) || System.nanoTime() - drainDeadline >= 0);
  }

  /** Waits before reconnecting: {@link #RETRY}, or until the drain time is up once stopped. */
  private void retryPause() {
    if (!closed.isSet()) {
      closed.pause(RETRY);
      return;
    }
    long left = Math.min(RETRY.toNanos(), drainDeadline - System.nanoTime());
    if (left > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        drainDeadline = System.nanoTime();
      }
    }
  }

  private void send(JMSContext context, JMSProducer producer, Destination destination) {
    while (!done()) {
      HubEvent.ClientPublished p = pending;
      if (p == null) {
        try {
          // Once stopped nothing new is waited for: what is queued is all there is to send.
          p = closed.isSet() ? queue.poll() : queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close(Duration.ZERO);
          return;
        }
        if (p == null) {
          continue;
        }
        pending = p;
      }
      try {
        Message m;
        if (p.payload() instanceof Payload.Binary b) {
          BytesMessage bytes = context.createBytesMessage();
          bytes.writeBytes(b.bytes());
          m = bytes;
        } else {
          m = context.createTextMessage(((Payload.Json) p.payload()).json());
        }
        m.setStringProperty(CHANNEL, p.channel());
        m.setLongProperty(OFFSET, p.offset());
        m.setStringProperty(EPOCH, p.epoch());
        producer.send(destination, m);
      } catch (JMSException e) {
        throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
      }
      pending = null;
      counters.forwarded.increment();
    }
  }

  /**
   * Stops taking work once what is queued is sent, or after {@code drainTimeout}, whichever comes
   * first; what is left then is counted under {@code dropped} and logged. A send already under way
   * is not cut short (the JMS client's own call timeout bounds it).
   */
  void close(Duration drainTimeout) {
    drainDeadline = System.nanoTime() + drainTimeout.toNanos();
    closed.stop();
  }
}
