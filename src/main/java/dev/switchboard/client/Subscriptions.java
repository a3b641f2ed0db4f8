package dev.switchboard.client;

import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * The client's subscriptions: subscribed on every (re)connect from the last position each saw, and
 * the server's pushes (publications, joins, leaves, ends) delivered to their listeners. Confined to
 * the client's state thread, except what {@link Subscription} offers to any thread.
 */
final class Subscriptions {
  /** What the subscriptions need of the connection; called on the state thread. */
  interface Link {
    boolean connected();

    /**
     * Sends the command {@code command} builds for a fresh request id; completes with the reply.
     */
    CompletableFuture<ServerMessage.Ok> request(LongFunction<Command> command);
  }

  private final Scheduler state;
  private final Callbacks callbacks;
  private final Link link;

  /** Every subscription asks for trace contexts. */
  private final boolean traces;

  /** Hears the subscriptions the server makes ({@code subscribe} pushes). */
  private final SubscriptionListener serverListener;

  private final Map<String, Sub> subs = new LinkedHashMap<>();

  /** The first and the longest wait before a subscribe refused with 109 is sent again. */
  static final Duration RETRY_FIRST = Duration.ofMillis(100);

  static final Duration RETRY_LAST = Duration.ofSeconds(5);

  Subscriptions(
      Scheduler state,
      Callbacks callbacks,
      boolean traces,
      SubscriptionListener serverListener,
      Link link) {
    this.state = state;
    this.callbacks = callbacks;
    this.traces = traces;
    this.serverListener = serverListener;
    this.link = link;
  }

  /**
   * Any thread: a subscription from {@code offset} in {@code epoch}, subscribed now or when
   * connected.
   */
  Subscription add(String channel, long offset, String epoch, SubscriptionListener listener) {
    Sub sub = new Sub(channel, listener);
    sub.offset = offset;
    sub.epoch = epoch == null ? "" : epoch;
    state.execute(
        () -> {
          subs.put(channel, sub);
          if (link.connected()) {
            subscribe(sub);
          }
        });
    return sub;
  }

  /**
   * A connection is up: every subscription is renewed from its last position. Those the server made
   * are dropped: the server makes them again on this connection (with a push) if the application
   * still grants them.
   */
  void renewAll() {
    subs.values().removeIf(sub -> sub.byServer);
    for (Sub sub : subs.values()) {
      subscribe(sub);
    }
  }

  /**
   * The server subscribed the connection to a channel ({@code subscribe} push): its publications go
   * to the server subscriptions' listener. One the client subscribed itself stays its own.
   */
  void onServerSubscribed(ServerMessage.Subscribed s) {
    Sub sub = subs.get(s.channel());
    if (sub == null) {
      sub = new Sub(s.channel(), serverListener);
      sub.byServer = true;
      subs.put(s.channel(), sub);
    } else if (!sub.byServer) {
      return;
    }
    ServerMessage.Position position = s.position();
    if (position != null) {
      sub.offset = position.offset();
      sub.epoch = position.epoch();
    }
    callbacks.post(() -> serverListener.onSubscribed(true, null));
  }

  private void subscribe(Sub sub) {
    Command.Since since =
        !sub.pattern && (sub.offset > 0 || !sub.epoch.isEmpty())
            ? new Command.Since(sub.offset, sub.epoch)
            : null;
    // Requests complete on the state thread as the reply is read: acting on it there, not in a
    // task queued behind the frames already read, tells the listener the outcome before any
    // publication that followed the reply (a recovered:false must precede the new epoch's first).
    link.request(id -> new Command.Subscribe(id, sub.channel, since, null, traces))
        .whenComplete((r, e) -> subscribed(sub, r, e));
  }

  private void subscribed(Sub sub, ServerMessage.Ok reply, Throwable e) {
    if (sub.ended) {
      return; // ended by a push handled before this reply's continuation ran
    }
    if (e != null) {
      if (e instanceof SwitchboardException se && se.errorCode() == ErrorCode.UNAVAILABLE.code()) {
        retryLater(sub); // the node cannot reach its engine for now: not the subscription's fault
        return;
      }
      if (e instanceof SwitchboardException se && se.errorCode() != 0) {
        sub.ended = true;
        subs.remove(sub.channel, sub);
        callbacks.post(() -> sub.listener.onError(se));
      }
      return; // a broken connection: resubscribed after the reconnect
    }
    ServerMessage.Recovery recovery = reply.recovery();
    boolean recovered = recovery == null || recovery.recovered();
    String reason = recovery == null ? null : recovery.reason();
    ServerMessage.Position position = reply.position();
    if (position != null && (!recovered || sub.epoch.isEmpty())) {
      sub.offset = position.offset();
      sub.epoch = position.epoch();
    }
    sub.retryDelay = RETRY_FIRST;
    callbacks.post(() -> sub.listener.onSubscribed(recovered, reason));
  }

  /**
   * Subscribes {@code sub} again after its retry delay, which doubles up to {@link #RETRY_LAST}: a
   * node refuses with 109 while it cannot reach its engine (Redis failing over, say). A reconnect
   * meanwhile subscribes it anyway; an unsubscribe or a reconnect that made a new one ends it.
   */
  private void retryLater(Sub sub) {
    Duration delay = sub.retryDelay;
    sub.retryDelay =
        delay.multipliedBy(2).compareTo(RETRY_LAST) > 0 ? RETRY_LAST : delay.multipliedBy(2);
    state.schedule(
        () -> {
          if (!sub.ended && subs.get(sub.channel) == sub && link.connected()) {
            subscribe(sub);
          }
        },
        delay);
  }

  /** A publication, JSON or binary, for the channel's subscription and the patterns matching it. */
  void onPublication(ServerMessage.Publication p) {
    for (Sub sub : subsFor(p.channel())) {
      if (!sub.delivered(p.offset(), p.epoch())) {
        continue;
      }
      Message m = message(p.channel(), p.offset(), p.epoch(), p.payload()).with(p.trace());
      callbacks.post(() -> sub.listener.onMessage(m));
    }
  }

  /** Someone joined the channel. */
  void onJoin(ServerMessage.Join j) {
    Member who = Member.of(j.member());
    for (Sub sub : subsFor(j.channel())) {
      callbacks.post(() -> sub.listener.onJoin(who));
    }
  }

  /** Someone left the channel. */
  void onLeave(ServerMessage.Leave l) {
    Member who = Member.of(l.member());
    for (Sub sub : subsFor(l.channel())) {
      callbacks.post(() -> sub.listener.onLeave(who));
    }
  }

  static Message message(String channel, long offset, String epoch, Payload payload) {
    return payload instanceof Payload.Binary b
        ? new Message(channel, offset, epoch, null, b.bytes())
        : new Message(channel, offset, epoch, ((Payload.Json) payload).json(), null);
  }

  /**
   * The server ended the subscription to a channel or a pattern (never matched: the push names the
   * subscription itself).
   */
  void onUnsubscribed(ServerMessage.Unsubscribed u) {
    Sub sub = subs.remove(u.channel());
    if (sub == null) {
      return;
    }
    sub.ended = true;
    SwitchboardException e = new SwitchboardException(u.message(), u.code(), 0);
    callbacks.post(() -> sub.listener.onUnsubscribed(e));
  }

  /** The subscription of the channel itself and every pattern that matches it. */
  private List<Sub> subsFor(String channel) {
    ArrayList<Sub> out = new ArrayList<>(1);
    Sub exact = subs.get(channel);
    if (exact != null) {
      out.add(exact);
    }
    for (Sub sub : subs.values()) {
      if (sub.pattern && channel.startsWith(ChannelName.patternPrefix(sub.channel))) {
        out.add(sub);
      }
    }
    return out;
  }

  /** A subscription; its position is written on the state thread and read anywhere. */
  private final class Sub implements Subscription {
    final String channel;
    final boolean pattern;
    final SubscriptionListener listener;
    volatile long offset;
    volatile String epoch = "";

    /** Set on the state thread once unsubscribed, refused or ended by the server. */
    volatile boolean ended;

    /** Made by the server ({@code subscribe} push), not by the application: not renewed. */
    boolean byServer;

    /** How long after a refusal with 109 to subscribe again. */
    Duration retryDelay = RETRY_FIRST;

    Sub(String channel, SubscriptionListener listener) {
      this.channel = channel;
      this.pattern = ChannelName.isPattern(channel);
      this.listener = listener;
    }

    /**
     * Notes a publication's position. False when it is one this subscription has had already: same
     * epoch, offset not past the last (the server sends each once, this makes sure across a
     * reconnect too). Patterns and channels without history (offset 0) always take it.
     */
    boolean delivered(long offset, String epoch) {
      if (pattern || offset <= 0) {
        return true;
      }
      if (offset <= this.offset && epoch.equals(this.epoch)) {
        return false;
      }
      this.offset = offset;
      this.epoch = epoch;
      return true;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public long offset() {
      return offset;
    }

    @Override
    public String epoch() {
      return epoch;
    }

    @Override
    public boolean ended() {
      return ended;
    }

    @Override
    public CompletableFuture<Void> unsubscribe() {
      CompletableFuture<Void> f = new CompletableFuture<>();
      state.execute(
          () -> {
            boolean alreadyEnded = ended; // by the server or a refusal: nothing to tell it
            ended = true;
            subs.remove(channel, this);
            if (!link.connected() || alreadyEnded) {
              f.complete(null);
              return;
            }
            link.request(id -> new Command.Unsubscribe(id, channel))
                .whenComplete(
                    (r, e) -> {
                      if (e == null) {
                        f.complete(null);
                      } else {
                        f.completeExceptionally(e);
                      }
                    });
          });
      return callbacks.deliver(f);
    }
  }
}
