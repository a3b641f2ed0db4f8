package dev.switchboard.bridge.jms;

import dev.switchboard.bridge.BridgeCounters;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.hub.Hub;
import dev.switchboard.log.LogLimiter;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.JsonStrings;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A source bridge: reads its destination in a transacted session on its own thread and publishes
 * each message into a channel with the idempotency key {@code jms:<JMSMessageID>}. The session is
 * committed only after the hub accepted the publication (or the message was counted as malformed);
 * a publish that fails rolls back, so the broker redelivers and the key makes the repeat a no-op.
 * While the engine is not ready nothing is received. Messages are published one at a time, so a
 * queue's order is the channel's order.
 */
final class JmsSource implements Runnable {
  private static final System.Logger LOG = System.getLogger(JmsSource.class.getName());

  /** How long one receive waits: bounds how late the bridge notices a close or an engine loss. */
  private static final long RECEIVE_MS = 500;

  /** Retry delay after a failed publish or a lost connection: a broker restart takes seconds. */
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** A publish the engine does not settle in this time is taken as failed and rolled back. */
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

  private final JmsBridgeOptions options;
  private final ConnectionFactory factory;
  private final Hub hub;
  private final BridgeCounters counters;
  private final LogLimiter warnings = LogLimiter.of(LOG);
  private final CommandDecoder decoder = new CommandDecoder();

  /** Counted down by {@link #close}; the bridge's waits end on it. */
  private final Stop closed = new Stop();

  /**
   * Runs after a message was handled and before the commit; the tests' way to lose a connection
   * between the two (a {@link JMSRuntimeException} there rolls back as a lost connection does).
   */
  private final Runnable beforeCommit;

  JmsSource(JmsBridgeOptions options, ConnectionFactory factory, Hub hub, BridgeCounters counters) {
    this(options, factory, hub, counters, () -> {});
  }

  JmsSource(
      JmsBridgeOptions options,
      ConnectionFactory factory,
      Hub hub,
      BridgeCounters counters,
      Runnable beforeCommit) {
    this.options = options;
    this.factory = factory;
    this.hub = hub;
    this.counters = counters;
    this.beforeCommit = beforeCommit;
  }

  @Override
  public void run() {
    while (!closed.isSet()) {
      try (JMSContext context =
          factory.createContext(
              options.user(), options.password(), JMSContext.SESSION_TRANSACTED)) {
        Destination destination = destination(context, options.destination());
        try (JMSConsumer consumer = context.createConsumer(destination)) {
          consume(context, consumer);
        }
      } catch (JMSRuntimeException e) {
        counters.failures.increment();
        counters.state("reconnecting");
        warnings.warn("connection", "JMS bridge " + options.name() + ": " + e, e);
        closed.pause(RETRY);
      }
    }
    counters.state("closed");
  }

  static Destination destination(JMSContext context, JmsBridgeOptions.Destination d) {
    return d.topic() ? context.createTopic(d.name()) : context.createQueue(d.name());
  }

  private void consume(JMSContext context, JMSConsumer consumer) {
    while (!closed.isSet()) {
      if (!hub.isReady()) {
        counters.state("paused");
        closed.pause(RETRY);
        continue;
      }
      counters.state("running");
      Message message = consumer.receive(RECEIVE_MS);
      if (message == null) {
        continue;
      }
      counters.consumed.increment();
      if (handle(message)) {
        beforeCommit.run();
        context.commit();
      } else {
        context.rollback();
        closed.pause(RETRY);
      }
    }
  }

  /** Publishes one message; false when it should be redelivered (the hub did not accept it). */
  private boolean handle(Message message) {
    Item item;
    try {
      item = item(message);
    } catch (Malformed e) {
      counters.malformed(e.kind);
      warnings.warn(
          "malformed " + e.kind,
          "JMS bridge " + options.name() + " skipped a message (" + e.kind + "): " + e.detail);
      return true;
    }
    try {
      PublishResult r =
          hub.publish(item.channel, item.payload, item.key, null)
              .toCompletableFuture()
              .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      (r.repeated() ? counters.duplicates : counters.published).increment();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProtocolException p) {
        counters.malformed("refused");
        warnings.warn("refused", "JMS bridge " + options.name() + ": refused: " + p.getMessage());
        return true;
      }
      counters.failures.increment();
      warnings.warn("publish", "JMS bridge " + options.name() + ": publish failed", e.getCause());
      return false;
    } catch (TimeoutException e) {
      counters.failures.increment();
      warnings.warn("publish", "JMS bridge " + options.name() + ": publish timed out");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private record Item(String channel, Payload payload, @Nullable String key) {}

  /** A message the bridge cannot publish, and will not retry: {@code kind} names the problem. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    final String kind;
    final String detail;

    Malformed(String kind, String detail) {
      super(kind + ": " + detail, null, false, false);
      this.kind = kind;
      this.detail = detail;
    }
  }

  private Item item(Message message) throws Malformed {
    try {
      String channel = options.channel();
      String property = options.channelProperty();
      if (channel == null && property != null) {
        channel = message.getStringProperty(property);
      }
      if (channel == null || channel.isEmpty()) {
        throw new Malformed("no_channel", "no property " + property);
      }
      String problem = ChannelName.problem(channel);
      if (problem != null) {
        throw new Malformed("bad_channel", problem);
      }
      Payload payload = payload(message);
      try {
        hub.checkSize(channel, payload);
      } catch (ProtocolException e) {
        throw new Malformed("refused", e.getMessage());
      }
      String id = message.getJMSMessageID();
      return new Item(channel, payload, id == null ? null : "jms:" + id);
    } catch (JMSException | JMSRuntimeException e) {
      throw new Malformed("unreadable", String.valueOf(e));
    }
  }

  private Payload payload(Message message) throws JMSException, Malformed {
    if (message instanceof TextMessage text) {
      String body = text.getText();
      if (body == null) {
        throw new Malformed("empty", "a text message without text");
      }
      if (options.format().equals("text")) {
        return new Payload.Json(JsonStrings.quote(body));
      }
      try {
        return decoder.decodeData(body);
      } catch (ProtocolException e) {
        throw new Malformed("bad_json", e.getMessage());
      }
    }
    if (message instanceof BytesMessage bytes) {
      byte[] data = new byte[Math.toIntExact(bytes.getBodyLength())];
      bytes.readBytes(data);
      return new Payload.Binary(data);
    }
    throw new Malformed("unsupported_type", message.getClass().getSimpleName());
  }

  /** Stops receiving; the bridge's thread ends within about {@link #RECEIVE_MS}. */
  void close() {
    closed.stop();
    LOG.log(Level.DEBUG, "JMS bridge " + options.name() + " closing");
  }
}
