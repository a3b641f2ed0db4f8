package dev.switchboard.hub;

import dev.switchboard.engine.PublishResult;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Frames;
import dev.switchboard.protocol.ProtocolException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connected to the hub.
 *
 * <p>Threading: the transport adapter calls {@link #onText} and {@link #onBinary} one at a time
 * for a connection (Jakarta WebSocket guarantees that per session) and {@link #onClosed} once.
 * Deliveries from publishers on other threads go through the thread-safe {@link Outbox}.
 */
public final class ClientConnection {
  private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

  private final String id;
  private final Hub hub;
  private final Transport transport;
  private final Outbox outbox;
  /** Channels this connection is subscribed to; written by the reader, read at close. */
  private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  ClientConnection(String id, Hub hub, Transport transport, long outboxMaxBytes) {
    this.id = id;
    this.hub = hub;
    this.transport = transport;
    this.outbox = new Outbox(transport, outboxMaxBytes, this::onSendFailed);
  }

  /** The connection's id, unique on this node. */
  public String id() {
    return id;
  }

  /** Channels this connection is subscribed to now. */
  public Set<String> subscriptions() {
    return Set.copyOf(subscriptions);
  }

  /** Bytes waiting in this connection's outbox. */
  public long queuedBytes() {
    return outbox.queuedBytes();
  }

  public boolean isOpen() {
    return !closed.get();
  }

  /** A JSON text frame arrived. */
  public void onText(String text) {
    Command command;
    try {
      command = hub.decoder().decode(text);
    } catch (ProtocolException e) {
      replyError(e.commandId(), e.code(), e.getMessage());
      return;
    }
    execute(command);
  }

  /** A binary frame arrived: a binary publish envelope. */
  public void onBinary(ByteBuffer frame) {
    Command command;
    try {
      command = hub.decoder().decodeBinary(frame);
    } catch (ProtocolException e) {
      replyError(e.commandId(), e.code(), e.getMessage());
      return;
    }
    execute(command);
  }

  /** The transport is gone (closed by either side or failed). Called once by the adapter. */
  public void onClosed() {
    release();
  }

  /**
   * Closes the connection with {@code code}: stops deliveries at once, drops what is queued (and
   * counts it), then starts the closing handshake.
   */
  public void close(CloseCode code, String reason) {
    if (release()) {
      hub.metrics().close(code.code());
      transport.close(code, reason);
    }
  }

  /** Queues a frame for this client; closes it as a slow consumer when its outbox is full. */
  void deliver(OutFrame frame) {
    switch (outbox.offer(frame)) {
      case QUEUED -> hub.metrics().deliveries.increment();
      case OVERFLOW -> {
        hub.metrics().droppedFrames.increment();
        close(
            CloseCode.SLOW_CONSUMER,
            "outbox over " + hub.options().outboxMaxBytes() + " bytes; reconnect and recover");
      }
      case CLOSED -> hub.metrics().droppedFrames.increment();
    }
  }

  private void execute(Command command) {
    hub.metrics().commands.increment();
    try {
      if (command instanceof Command.Subscribe s) {
        subscribe(s);
      } else if (command instanceof Command.Unsubscribe u) {
        unsubscribe(u);
      } else if (command instanceof Command.Publish p) {
        publish(p);
      } else if (command instanceof Command.Ping p) {
        reply(p.id(), Frames.ok(p.id()));
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "connection " + id + ": command " + command + " failed", e);
      close(CloseCode.INTERNAL_ERROR, "internal error");
    }
  }

  private void subscribe(Command.Subscribe s) {
    if (subscriptions.contains(s.channel())) {
      replyError(s.id(), ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + s.channel());
      return;
    }
    if (subscriptions.size() >= hub.options().maxSubscriptions()) {
      replyError(
          s.id(),
          ErrorCode.SUBSCRIPTION_LIMIT,
          "at most " + hub.options().maxSubscriptions() + " subscriptions per connection");
      return;
    }
    subscriptions.add(s.channel());
    CompletionStage<Void> ready = hub.addSubscriber(s.channel(), this);
    if (closed.get()) {
      // Closed while subscribing: release() may have missed this channel.
      hub.removeSubscriber(s.channel(), this);
      return;
    }
    ready.whenComplete(
        (ok, failure) -> {
          if (failure == null) {
            reply(s.id(), Frames.ok(s.id()));
          } else {
            subscriptions.remove(s.channel());
            hub.removeSubscriber(s.channel(), this);
            replyError(s.id(), ErrorCode.UNAVAILABLE, "subscribe failed: " + failure.getMessage());
          }
        });
  }

  private void unsubscribe(Command.Unsubscribe u) {
    if (!subscriptions.remove(u.channel())) {
      replyError(u.id(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + u.channel());
      return;
    }
    hub.removeSubscriber(u.channel(), this);
    reply(u.id(), Frames.ok(u.id()));
  }

  private void publish(Command.Publish p) {
    hub.publish(p.channel(), p.payload())
        .whenComplete((PublishResult result, Throwable failure) -> {
          if (failure == null) {
            reply(p.id(), Frames.ok(p.id()));
          } else {
            replyError(p.id(), ErrorCode.UNAVAILABLE, "publish failed: " + failure.getMessage());
          }
        });
  }

  private void reply(long commandId, String frame) {
    if (commandId != Command.NO_ID) {
      deliver(new OutFrame.Text(frame));
    }
  }

  private void replyError(long commandId, ErrorCode code, String message) {
    hub.metrics().error(code);
    // An error for a command without id is still sent: the client must learn its frame was
    // refused, and without an id it cannot be matched, so it carries none.
    deliver(new OutFrame.Text(Frames.error(commandId, code, message)));
  }

  private void onSendFailed(Throwable failure) {
    LOG.log(Level.DEBUG, () -> "connection " + id + ": send failed: " + failure);
    release();
  }

  /** Leaves every channel and the hub; returns whether this call did it. */
  private boolean release() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    int dropped = outbox.close();
    hub.metrics().droppedFrames.add(dropped);
    for (String channel : subscriptions) {
      hub.removeSubscriber(channel, this);
    }
    hub.unregister(this);
    return true;
  }

  @Override
  public String toString() {
    return "ClientConnection[" + id + "]";
  }
}
