package dev.switchboard.hub;

import dev.switchboard.auth.Capability;
import dev.switchboard.auth.Identity;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.StreamPosition;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Frames;
import dev.switchboard.protocol.ProtocolException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connected to the hub: its commands, subscriptions and outbox.
 *
 * <p>Threading: the transport adapter calls {@link #onText} and {@link #onBinary} one at a time
 * for a connection (Jakarta WebSocket guarantees that per session) and {@link #onClosed} once.
 * Deliveries from publishers on other threads go through the thread-safe {@link Subscription} and
 * {@link Outbox}; engine results complete on engine threads.
 *
 * <p>Over 400 lines because it is the one place each protocol command meets the connection's
 * state (identity, subscriptions, rate, liveness); each command is a short method, and moving
 * them out would hand that state to several classes that all mutate it.
 */
public final class ClientConnection {
  private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());
  /** The close reason of a slow consumer: what happened and what to do. */
  private static final String SLOW_REASON = "not reading: outbox over its limit; reconnect and recover";

  private final String id;
  private final Hub hub;
  private final Transport transport;
  private final Outbox outbox;
  private final Liveness liveness;
  /** Null when the policy sets no rate; only the reader thread uses it. */
  private final RateLimiter rate;
  /** Subscriptions by channel; written by the reader, read by close and engine threads. */
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  ClientConnection(String id, Hub hub, Transport transport, long outboxMaxBytes) {
    this.id = id;
    this.hub = hub;
    this.transport = transport;
    this.outbox = new Outbox(transport, outboxMaxBytes, this::onSendFailed);
    ConnectionPolicy policy = hub.options().policy();
    long now = System.nanoTime();
    this.liveness = new Liveness(now, policy.authRequired() ? null : Identity.ANONYMOUS);
    this.rate = RateLimiter.of(policy, now);
  }

  /** The user id of the connection's token, or null while anonymous. */
  public String user() {
    Identity who = liveness.identity();
    return who == null ? null : who.user();
  }

  /** The connection's id, unique across nodes. */
  public String id() {
    return id;
  }

  /** Channels this connection is subscribed to now. */
  public Set<String> subscriptions() {
    return Set.copyOf(subscriptions.keySet());
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
      command = hub.decoder().decode(text);
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
      command = hub.decoder().decodeBinary(frame);
    } catch (ProtocolException e) {
      replyError(e.commandId(), e.code(), e.getMessage());
      return;
    }
    execute(command);
  }

  /** A pong arrived: the client is alive. */
  public void onPong() {
    liveness.received(System.nanoTime());
  }

  /**
   * A token came with the handshake (an {@code Authorization: Bearer} header). An invalid one
   * closes the connection (4500, or 4003 when it expired).
   */
  public void authenticateAtOpen(String token) {
    Identity who = verify(token, Command.NO_ID);
    if (who != null) {
      liveness.identity(who);
    }
  }

  /** Records activity and applies the rate limit; false when the message is refused. */
  private boolean admit(int size) {
    switch (RateLimiter.admit(rate, liveness, size)) {
      case ALLOWED:
        return true;
      case REFUSED:
        replyError(Command.NO_ID, ErrorCode.RATE_LIMITED, "over the rate limit; message dropped");
        return false;
      default:
        hub.metrics().error(ErrorCode.RATE_LIMITED);
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
    java.time.Duration sendTimeout = hub.options().policy().sendTimeout();
    if (outbox.sendOverdue(nowNanos, sendTimeout.toNanos())) {
      hub.sendTimedOut("connection " + id, sendTimeout);
      close(CloseCode.SEND_TIMEOUT, "a send was not completed within " + sendTimeout.toSeconds() + " s");
      return;
    }
    Liveness.Action action = liveness.check(nowNanos, now, hub.options().policy());
    switch (action) {
      case NOTHING -> {}
      case PING -> transport.ping();
      default -> {
        CloseCode code = Liveness.closeCode(action);
        close(code, switch (action) {
          case CLOSE_IDLE -> "no pong within " + hub.options().policy().pongTimeout().toSeconds() + " s";
          case CLOSE_EXPIRED -> "token expired: refresh it and reconnect";
          default -> "no token within " + hub.options().policy().authTimeout().toSeconds() + " s";
        });
      }
    }
  }

  /**
   * Verifies a token; on failure closes the connection (connect) or answers an error (refresh).
   *
   * @return the identity, or null when refused (the connection is then being closed)
   */
  private Identity verify(String token, long commandId) {
    ConnectionPolicy policy = hub.options().policy();
    if (policy.tokens() == null) {
      replyError(commandId, ErrorCode.BAD_TOKEN, "this server has no keys to verify tokens");
      close(CloseCode.UNAUTHORIZED, "tokens are not accepted here");
      return null;
    }
    try {
      return policy.tokens().verify(token);
    } catch (dev.switchboard.auth.TokenException e) {
      replyError(commandId, ErrorCode.BAD_TOKEN, e.getMessage());
      close(e.expired() ? CloseCode.TOKEN_EXPIRED : CloseCode.UNAUTHORIZED, e.getMessage());
      return null;
    }
  }

  /**
   * The transport is gone (closed by either side or failed). Called once by the adapter.
   *
   * @return whether the connection was still open: the close was not one {@link #close} made (and
   *     counted), so the adapter counts it if the server's container made it
   */
  public boolean onClosed() {
    return release();
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

  /**
   * A subscription of this connection would have had a gap: the node missed publications of
   * {@code channel} (or the channel's history started a new epoch). The client is told the way it
   * is told of an interrupted engine: closed with 4004, it reconnects and recovers from the last
   * offset it received, or learns {@code recovered:false}. Called without any lock held.
   */
  void missed(String channel, String why) {
    LOG.log(Level.WARNING, "connection " + id + ": " + channel + ": " + why + "; closing with 4004 to recover");
    close(CloseCode.ENGINE_INTERRUPTED, "publications of " + channel + " were missed, reconnect and recover");
  }

  long outboxLimit() {
    return hub.options().outboxMaxBytes();
  }

  Outbox.Offer enqueue(OutFrame frame, boolean exempt) {
    return outbox.enqueue(frame, exempt);
  }

  /** Acts on the outcome of enqueues made under a subscription's lock, now released. */
  void afterEnqueue(Outbox.Offer result) {
    switch (result) {
      case QUEUED -> {
        hub.metrics().deliveries.increment();
        outbox.flush();
      }
      case OVERFLOW -> {
        hub.metrics().droppedFrames.increment();
        close(CloseCode.SLOW_CONSUMER, SLOW_REASON);
      }
      case CLOSED -> hub.metrics().droppedFrames.increment();
    }
  }

  /**
   * Acts on a fan-out lane's enqueue: a queued frame schedules one flush of this outbox with the
   * lane (added to {@code touched}); overflow closes the connection as a slow consumer.
   */
  void afterFanOut(Outbox.Offer result, java.util.List<ClientConnection> touched) {
    switch (result) {
      case QUEUED -> {
        hub.metrics().deliveries.increment();
        if (outbox.scheduleFlush()) {
          touched.add(this);
        }
      }
      case OVERFLOW -> {
        hub.metrics().droppedFrames.increment();
        close(CloseCode.SLOW_CONSUMER, SLOW_REASON);
      }
      case CLOSED -> hub.metrics().droppedFrames.increment();
    }
  }

  /** Runs the flush a fan-out lane scheduled. */
  void runScheduledFlush() {
    outbox.runScheduledFlush();
  }

  /** Queues a frame that belongs to no subscription (a reply). */
  private void send(OutFrame frame) {
    afterEnqueue(outbox.enqueue(frame, false));
  }

  private void execute(Command command) {
    hub.metrics().commands.increment();
    try {
      if (liveness.identity() == null && !(command instanceof Command.Connect) && !(command instanceof Command.Ping)) {
        replyError(command.id(), ErrorCode.UNAUTHORIZED, "connect with a token first");
        return;
      }
      if (command instanceof Command.Connect c) {
        connect(c);
      } else if (command instanceof Command.Refresh r) {
        refresh(r);
      } else if (command instanceof Command.Subscribe s) {
        subscribe(s);
      } else if (command instanceof Command.Unsubscribe u) {
        unsubscribe(u);
      } else if (command instanceof Command.Publish p) {
        publish(p);
      } else if (command instanceof Command.History h) {
        history(h);
      } else if (command instanceof Command.Presence p) {
        presence(p);
      } else if (command instanceof Command.Ping p) {
        reply(p.id(), Frames.ok(p.id()));
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "connection " + id + ": command " + command + " failed", e);
      close(CloseCode.INTERNAL_ERROR, "internal error");
    }
  }

  private void connect(Command.Connect c) {
    Identity current = liveness.identity();
    if (current != null && current != Identity.ANONYMOUS) {
      replyError(c.id(), ErrorCode.BAD_FIELD, "already connected; use refresh to renew the token");
      return;
    }
    Identity who = verify(c.token(), c.id());
    if (who != null) {
      liveness.identity(who);
      reply(c.id(), Frames.ok(c.id(), connected(who)));
    }
  }

  private void refresh(Command.Refresh r) {
    Identity current = liveness.identity();
    if (current == null || current == Identity.ANONYMOUS) {
      replyError(r.id(), ErrorCode.BAD_FIELD, "not connected with a token; use connect");
      return;
    }
    ConnectionPolicy policy = hub.options().policy();
    try {
      Identity who = policy.tokens().verify(r.token());
      if (!java.util.Objects.equals(who.user(), current.user())) {
        replyError(r.id(), ErrorCode.BAD_TOKEN, "the new token is for another user");
        return;
      }
      liveness.identity(who);
      endRevoked(who);
      reply(r.id(), Frames.ok(r.id(), connected(who)));
    } catch (dev.switchboard.auth.TokenException e) {
      replyError(r.id(), ErrorCode.BAD_TOKEN, e.getMessage()); // the current token still holds
    }
  }

  /**
   * Ends, each with an {@code unsubscribe} push, the subscriptions {@code who} may no longer hold.
   * Runs before the refresh reply, so a client reading that reply has already heard of every
   * subscription that ended (one still being set up ends right after its own subscribe reply).
   */
  private void endRevoked(Identity who) {
    for (Subscription sub : Revocations.disallowed(subscriptions.values(), who.permissions())) {
      if (subscriptions.remove(sub.channel, sub)) {
        end(sub, Revocations.notice(sub));
      }
    }
  }

  private String connected(Identity who) {
    return "\"client\":" + Frames.quote(id) + ",\"user\":" + (who.user() == null ? "null" : Frames.quote(who.user()))
        + ",\"expires\":" + who.expiresAt().getEpochSecond();
  }

  /** Whether the connection may do {@code capability} on {@code target}; answers 111 if not. */
  private boolean permitted(long commandId, String target, Capability capability) {
    if (liveness.identity().permissions().allows(target, capability)) {
      return true;
    }
    replyError(commandId, ErrorCode.FORBIDDEN, "no " + capability.name().toLowerCase(java.util.Locale.ROOT) + " permission for " + target);
    return false;
  }

  private void subscribe(Command.Subscribe s) {
    String channel = s.channel();
    if (!permitted(s.id(), channel, Capability.SUBSCRIBE)) {
      return;
    }
    if (subscriptions.containsKey(channel)) {
      replyError(s.id(), ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
      return;
    }
    if (subscriptions.size() >= hub.options().maxSubscriptions()) {
      replyError(
          s.id(),
          ErrorCode.SUBSCRIPTION_LIMIT,
          "at most " + hub.options().maxSubscriptions() + " subscriptions per connection");
      return;
    }
    boolean pattern = ChannelName.isPattern(channel);
    NamespaceOptions ns = pattern ? NamespaceOptions.plain() : hub.namespaces().of(channel);
    Identity who = liveness.identity();
    Subscription sub =
        new Subscription(channel, pattern, ns, this, new ClientInfo(id, who.user(), s.info() != null ? s.info() : who.info()));
    subscriptions.put(channel, sub);
    // Live delivery first (buffered while pending), history second: nothing falls between.
    CompletionStage<Void> live = hub.addSubscriber(sub);
    if (closed.get()) {
      hub.removeSubscriber(sub); // closed while subscribing: release() may have missed it
      return;
    }
    CompletionStage<HistoryResult> read =
        !ns.keepsHistory()
            ? live.thenApply(v -> null)
            : live.thenCompose(
                v -> hub.broker().history(channel, s.since() == null ? HistoryQuery.POSITION : HistoryQuery.after(toPosition(s.since()))));
    read.whenComplete(
        (history, failure) -> {
          if (failure != null) {
            if (subscriptions.remove(channel, sub)) {
              sub.cancel();
              hub.removeSubscriber(sub);
            }
            replyError(s.id(), ErrorCode.UNAVAILABLE, "subscribe failed: " + rootMessage(failure));
            return;
          }
          activate(s, sub, history);
        });
  }

  private void activate(Command.Subscribe s, Subscription sub, HistoryResult history) {
    String reply;
    Recovery recovery;
    if (history == null) {
      recovery = null;
      reply = Replies.subscribed(s.id(), null, s.since() == null ? null : false, s.since() == null ? null : "the channel keeps no history");
    } else if (s.since() == null) {
      recovery = null;
      reply = Replies.subscribed(s.id(), history.position(), null, null);
    } else {
      recovery = Recovery.decide(s.since(), history);
      reply = Replies.subscribed(s.id(), recovery.position(), recovery.recovered(), recovery.reason());
      hub.metrics().recovery(recovery.recovered());
    }
    long startAfter = recovery != null ? recovery.startAfter() : history != null ? history.position().offset() : 0;
    OutFrame replyFrame = new OutFrame.Text(reply);
    if (s.id() == Command.NO_ID && (recovery == null || recovery.recovered())) {
      replyFrame = null; // no id, nothing to tell: a failed recovery is still reported
    }
    String epoch = history != null ? history.position().epoch() : null;
    boolean live =
        sub.activate(replyFrame, recovery == null ? List.of() : recovery.backlog(), startAfter, epoch, hub);
    if (live) {
      announce(sub);
    }
  }

  /** Presence and join, then the race with a concurrent cancel resolved (see Subscription). */
  private void announce(Subscription sub) {
    NamespaceOptions ns = sub.options;
    if (!ns.presence() && !ns.joinLeave()) {
      return;
    }
    if (ns.presence()) {
      hub.presence().add(sub.channel, sub.client);
    }
    if (ns.joinLeave()) {
      hub.broker().publishJoin(sub.channel, sub.client);
    }
    if (!sub.markAnnounced()) {
      retract(sub);
    }
  }

  /** Takes back presence and join: presence entry removed, leave published. */
  private void retract(Subscription sub) {
    if (sub.options.presence()) {
      hub.presence().remove(sub.channel, id);
    }
    if (sub.options.joinLeave()) {
      hub.broker().publishLeave(sub.channel, sub.client);
    }
  }

  private void unsubscribe(Command.Unsubscribe u) {
    Subscription sub = subscriptions.remove(u.channel());
    if (sub == null) {
      replyError(u.id(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + u.channel());
      return;
    }
    end(sub, null);
    reply(u.id(), Frames.ok(u.id()));
  }

  /**
   * Stops deliveries to {@code sub}, removes it from the hub and takes back its presence.
   *
   * @param notice the push telling the client it ended, or null when none is due (the client
   *     unsubscribed, or the connection is going away)
   */
  private void end(Subscription sub, OutFrame notice) {
    boolean announced = notice == null ? sub.cancel() : sub.revoke(notice);
    hub.removeSubscriber(sub);
    if (announced) {
      retract(sub);
    }
  }

  private void publish(Command.Publish p) {
    if (!permitted(p.id(), p.channel(), Capability.PUBLISH)) {
      return;
    }
    NamespaceOptions ns = hub.namespaces().of(p.channel());
    if (!ns.publish()) {
      replyError(p.id(), ErrorCode.FORBIDDEN, "clients may not publish to " + p.channel());
      return;
    }
    if (p.payload().size() > ns.maxMessageSize()) {
      replyError(p.id(), ErrorCode.TOO_LARGE, "payload over " + ns.maxMessageSize() + " bytes for " + p.channel());
      return;
    }
    hub.publish(p.channel(), p.payload(), p.idempotencyKey())
        .whenComplete(
            (result, failure) -> {
              if (failure == null) {
                reply(p.id(), Replies.published(p.id(), result));
              } else {
                replyError(p.id(), ErrorCode.UNAVAILABLE, "publish failed: " + rootMessage(failure));
              }
            });
  }

  private void history(Command.History h) {
    if (!permitted(h.id(), h.channel(), Capability.HISTORY)) {
      return;
    }
    hub.history(h.channel(), h.since(), h.limit(), h.reverse())
        .whenComplete(
            (result, failure) -> {
              ProtocolException refused = protocolCause(failure);
              if (failure == null) {
                reply(h.id(), Replies.history(h.id(), result.publications(), result.position()));
              } else if (refused != null) {
                replyError(h.id(), refused.code(), refused.getMessage());
              } else {
                replyError(h.id(), ErrorCode.UNAVAILABLE, "history failed: " + rootMessage(failure));
              }
            });
  }

  private void presence(Command.Presence p) {
    if (!permitted(p.id(), p.channel(), Capability.PRESENCE)) {
      return;
    }
    if (!hub.namespaces().of(p.channel()).presence()) {
      replyError(p.id(), ErrorCode.NOT_ENABLED, "presence is not enabled for " + p.channel());
      return;
    }
    hub.presence()
        .presence(p.channel())
        .whenComplete(
            (clients, failure) -> {
              if (failure == null) {
                reply(p.id(), Replies.presence(p.id(), clients));
              } else {
                replyError(p.id(), ErrorCode.UNAVAILABLE, "presence failed: " + rootMessage(failure));
              }
            });
  }

  private void reply(long commandId, String frame) {
    if (commandId != Command.NO_ID) {
      send(new OutFrame.Text(frame));
    }
  }

  private void replyError(long commandId, ErrorCode code, String message) {
    hub.metrics().error(code);
    // An error for a command without id is still sent: the client must learn its frame was
    // refused, and without an id it cannot be matched, so it carries none.
    send(new OutFrame.Text(Frames.error(commandId, code, message)));
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
    List<Subscription> subs = new ArrayList<>(subscriptions.values());
    subscriptions.clear();
    for (Subscription sub : subs) {
      end(sub, null);
    }
    hub.unregister(this);
    return true;
  }

  static StreamPosition toPosition(Command.Since since) {
    return new StreamPosition(since.offset(), since.epoch());
  }

  /** The ProtocolException a failed stage carries, or null when it failed otherwise. */
  static ProtocolException protocolCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProtocolException p) {
        return p;
      }
    }
    return null;
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  @Override
  public String toString() {
    return "ClientConnection[" + id + "]";
  }
}
