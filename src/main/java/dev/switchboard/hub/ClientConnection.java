package dev.switchboard.hub;

import dev.switchboard.auth.Capability;
import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One client connected to the hub: its commands, subscriptions and outbox.
 *
 * <p>Threading: the transport adapter calls {@link #onText} and {@link #onBinary} one at a time for
 * a connection (Jakarta WebSocket guarantees that per session) and {@link #onClosed} once.
 * Deliveries from publishers on other threads go through the thread-safe {@link Subscription} and
 * {@link Outbox}; engine results complete on engine threads.
 *
 * <p>It keeps the transport, the outbox, the rate and the liveness; connect, refresh and the
 * identity live in {@link ConnectionAuth}, its subscriptions in {@link ConnectionSubscriptions},
 * the stateless channel commands (publish, history, presence) in {@link ChannelCommands}, and the
 * application's decisions and events about it in {@link ConnectionHooks}.
 */
public final class ClientConnection {
  private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

  /** The close reason of a slow consumer: what happened and what to do. */
  private static final String SLOW_REASON =
      "not reading: outbox over its limit; reconnect and recover";

  private static final int ABNORMAL = 1006; // RFC 6455: gone without a close frame

  private final String id;

  /** Told of the connection's end; runs its channel commands. */
  private final Hub hub;

  private final HubParts parts;
  private final ConnectionPolicy policy;
  private final HubClock clock;
  private final Transport transport;
  private final Outbox outbox;
  private final Liveness liveness;

  /** Null when the policy sets no rate; only the reader thread uses it. */
  private final @Nullable RateLimiter rate;

  /** Subscriptions by channel; written by the reader, read by close and engine threads. */
  private final ConnectionSubscriptions subscriptions;

  /** publish, history and presence: commands on a channel that keep no state here. */
  private final ChannelCommands channelCommands;

  /** connect, refresh and a token at the handshake; holds the identity. */
  private final ConnectionAuth auth;

  /** The application's decisions and events for this connection. */
  private final ConnectionHooks hooks;

  private final AtomicBoolean closed = new AtomicBoolean();

  /** Null for a hub protocol connection; else what its application's endpoint does instead. */
  final @Nullable OwnProtocol own;

  ClientConnection(
      String id, Hub hub, HubParts parts, Transport transport, @Nullable OwnProtocol own) {
    this.id = id;
    this.own = own;
    this.hub = hub;
    this.parts = parts;
    this.policy = parts.options().policy();
    this.transport = transport;
    this.clock = parts.clock();
    this.hooks = new ConnectionHooks(this, parts.hooks(), parts.metrics(), transport);
    this.outbox =
        new Outbox(
            transport, parts.options().outboxMaxBytes(), this::onSendFailed, clock::nanoTime);
    this.subscriptions = new ConnectionSubscriptions(this, outbox, parts);
    this.channelCommands = new ChannelCommands(this, hub, parts.decoder());
    long now = clock.nanoTime();
    this.liveness = new Liveness(now);
    this.rate = RateLimiter.of(policy, now);
    this.auth = new ConnectionAuth(this, subscriptions, parts);
  }

  /** The user id of the connection's token, or null while anonymous. */
  public @Nullable String user() {
    Identity who = auth.identity();
    return who == null ? null : who.user();
  }

  /** The identity of the connection's token; null until connected where a token is required. */
  @Nullable Identity identity() {
    return auth.identity();
  }

  /** The application's decisions and events, as this connection. */
  ConnectionHooks hooks() {
    return hooks;
  }

  /** The connection's id, unique across nodes. */
  public String id() {
    return id;
  }

  /**
   * Ends the subscription to {@code channel} from the server's side, telling the client with an
   * {@code unsubscribe} push; false when there was none. Callable from any thread.
   */
  boolean endSubscription(String channel, String reason) {
    return subscriptions.endByServer(channel, reason);
  }

  /** Channels this connection is subscribed to now. */
  public Set<String> subscriptions() {
    return subscriptions.channels();
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
    if (!admit(text.length())) {
      return;
    }
    Command command;
    try {
      command = parts.decoder().decode(text);
    } catch (ProtocolException e) {
      replyError(e.commandId(), e.code(), e.getMessage());
      return;
    }
    execute(command);
  }

  /** A binary frame arrived: a binary publish envelope. */
  public void onBinary(ByteBuffer frame) {
    if (!admit(frame.remaining())) {
      return;
    }
    Command command;
    try {
      command = parts.decoder().decodeBinary(frame);
    } catch (ProtocolException e) {
      replyError(e.commandId(), e.code(), e.getMessage());
      return;
    }
    execute(command);
  }

  /** Resubscribes from a resumed stream's position; see {@link ConnectionSubscriptions#resume}. */
  public void resume(String channel, Command.Since since) {
    subscriptions.resume(channel, since);
  }

  /** A pong arrived: the client is alive. */
  public void onPong() {
    liveness.received(clock.nanoTime());
  }

  /**
   * Takes what the handshake carried, once, right after the hub registered the connection (see
   * {@link Hub#open(Transport, String, Identity)}).
   */
  void start(@Nullable String token, @Nullable Identity container) {
    auth.start(token, container);
  }

  /**
   * Records activity and applies the rate limit; false when the message is refused. The endpoint of
   * an attached connection ({@link Hub#attach}) calls it for each message, one at a time.
   */
  public boolean admit(int size) {
    switch (RateLimiter.admit(rate, liveness, size, clock.nanoTime())) {
      case ALLOWED:
        return true;
      case REFUSED:
        replyError(Command.NO_ID, ErrorCode.RATE_LIMITED, "over the rate limit; message dropped");
        return false;
      default:
        parts.metrics().error(ErrorCode.RATE_LIMITED);
        close(CloseCode.RATE_LIMITED, "kept sending over the rate limit");
        return false;
    }
  }

  /** Periodic check by the hub: pings quiet clients, closes dead, expired or anonymous ones. */
  void sweep(long nowNanos, java.time.Instant now) {
    if (outbox.stalled(nowNanos)) {
      close(CloseCode.SLOW_CONSUMER, SLOW_REASON);
      return;
    }
    java.time.Duration sendTimeout = policy.sendTimeout();
    if (outbox.sendOverdue(nowNanos, sendTimeout.toNanos())) {
      parts.warnings().sendTimeout("connection " + id, sendTimeout);
      close(
          CloseCode.SEND_TIMEOUT,
          "a send was not completed within " + sendTimeout.toSeconds() + " s");
      return;
    }
    Liveness.Action action = liveness.check(nowNanos, now, policy, auth.swept(now));
    switch (action) {
      case NOTHING -> {}
      case PING -> transport.ping();
      default -> close(Liveness.closeCode(action), Liveness.closeReason(action, policy));
    }
  }

  /**
   * The transport is gone (closed by either side or failed). Called once by the adapter.
   *
   * @param code the close code the container reports ({@code 1006} when there was none)
   * @param reason the close reason, possibly empty
   * @return whether the connection was still open: the close was not one {@link #close} made (and
   *     counted), so the adapter counts it if the server's container made it
   */
  public boolean onClosed(int code, String reason) {
    return release(code, reason);
  }

  /**
   * Closes the connection with {@code code}: stops deliveries at once, drops what is queued (and
   * counts it), then starts the closing handshake.
   */
  public void close(CloseCode code, String reason) {
    if (release(code.code(), reason)) {
      parts.metrics().close(code.code());
      transport.close(code, reason);
    }
  }

  /**
   * A subscription of this connection would have had a gap: the node missed publications of {@code
   * channel} (or the channel's history started a new epoch). The client is told the way it is told
   * of an interrupted engine: closed with 4004, it reconnects and recovers from the last offset it
   * received, or learns {@code recovered:false}. Called without any lock held.
   */
  void missed(String channel, String why) {
    parts.warnings().missed("connection " + id, channel, why);
    close(
        CloseCode.ENGINE_INTERRUPTED,
        "publications of " + channel + " were missed, reconnect and recover");
  }

  /** Acts on the outcome of enqueues made under a subscription's lock, now released. */
  boolean afterEnqueue(Outbox.Offer result) {
    boolean queued = counted(result);
    if (queued) {
      outbox.flush();
    }
    return queued;
  }

  /**
   * Acts on a fan-out lane's enqueue: a queued frame schedules one flush of this outbox with the
   * lane (added to {@code touched}); overflow closes the connection as a slow consumer.
   */
  void afterFanOut(Outbox.Offer result, java.util.List<ClientConnection> touched) {
    if (counted(result) && outbox.scheduleFlush()) {
      touched.add(this);
    }
  }

  /** Counts an enqueue's outcome and closes a slow consumer; whether the frame was queued. */
  private boolean counted(Outbox.Offer result) {
    if (result == Outbox.Offer.QUEUED) {
      parts.metrics().deliveries.increment();
      return true;
    }
    parts.metrics().droppedFrames.increment();
    if (result == Outbox.Offer.OVERFLOW) {
      close(CloseCode.SLOW_CONSUMER, SLOW_REASON);
    }
    return false;
  }

  /** Queues a frame of no subscription (a reply, an own endpoint's); whether it was queued. */
  public boolean sendOwn(QueuedFrame frame) {
    return afterEnqueue(outbox.enqueue(frame, false));
  }

  /** Runs a command for an attached connection ({@link Hub#attach}); one thread at a time. */
  public void run(Command command) {
    if (own != null && isOpen()) {
      execute(command);
    }
  }

  /** Runs the flush a fan-out lane scheduled. */
  void runScheduledFlush() {
    outbox.runScheduledFlush();
  }

  private void execute(Command command) {
    parts.metrics().commands.increment();
    try {
      if (auth.identity() == null
          && !(command instanceof Command.Connect)
          && !(command instanceof Command.Ping)) {
        replyError(command.id(), ErrorCode.UNAUTHORIZED, "connect with a token first");
        return;
      }
      if (command instanceof Command.Connect c) {
        auth.connect(c);
      } else if (command instanceof Command.Refresh r) {
        auth.refresh(r);
      } else if (command instanceof Command.Subscribe s) {
        subscriptions.subscribe(s);
      } else if (command instanceof Command.Unsubscribe u) {
        subscriptions.unsubscribe(u);
      } else if (command instanceof Command.Publish p) {
        channelCommands.publish(p);
      } else if (command instanceof Command.History h) {
        channelCommands.history(h);
      } else if (command instanceof Command.Presence p) {
        channelCommands.presence(p);
      } else if (command instanceof Command.Rpc r) {
        channelCommands.rpc(r);
      } else if (command instanceof Command.Ping p) {
        reply(p.id(), ServerMessageEncoder.ok(p.id()));
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "connection " + id + ": command " + command + " failed", e);
      close(CloseCode.INTERNAL_ERROR, "internal error");
    }
  }

  /** Whether the connection may do {@code capability} on {@code target}; answers 111 if not. */
  boolean permitted(long commandId, String target, Capability capability) {
    // execute refuses every command but connect and ping until there is an identity, and an
    // identity is only ever replaced by another one.
    Identity who = Objects.requireNonNull(auth.identity(), "commands wait for connect");
    if (who.permissions().allows(target, capability)) {
      return true;
    }
    replyError(
        commandId,
        ErrorCode.FORBIDDEN,
        "no " + capability.name().toLowerCase(java.util.Locale.ROOT) + " permission for " + target);
    return false;
  }

  void reply(long commandId, String frame) {
    if (own != null) {
      own.answered(commandId, new OwnProtocol.Answer.Done());
    } else if (commandId != Command.NO_ID) {
      sendOwn(new QueuedFrame.Text(frame));
    }
  }

  void replyError(long commandId, ErrorCode code, String message) {
    parts.metrics().error(code);
    if (own != null) {
      own.answered(commandId, new OwnProtocol.Answer.Refused(code, message));
      return;
    }
    // An error for a command without id is still sent: the client must learn its frame was
    // refused, and without an id it cannot be matched, so it carries none.
    sendOwn(new QueuedFrame.Text(ServerMessageEncoder.error(commandId, code, message)));
  }

  private void onSendFailed(Throwable failure) {
    LOG.log(Level.DEBUG, () -> "connection " + id + ": send failed: " + failure);
    release(ABNORMAL, "send failed");
  }

  /** Leaves every channel and the hub, then tells the application; whether this call did it. */
  private boolean release(int code, String reason) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    int dropped = outbox.close();
    parts.metrics().droppedFrames.add(dropped);
    subscriptions.endAll();
    hub.unregister(this);
    hooks.closed(code, reason);
    return true;
  }

  @Override
  public String toString() {
    return "ClientConnection[" + id + "]";
  }
}
