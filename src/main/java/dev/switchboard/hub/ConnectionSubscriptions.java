package dev.switchboard.hub;

import dev.switchboard.auth.Capability;
import dev.switchboard.auth.Identity;
import dev.switchboard.engine.ClientInfo;
import dev.switchboard.engine.HistoryQuery;
import dev.switchboard.engine.HistoryResult;
import dev.switchboard.engine.StreamPosition;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The subscriptions of one {@link ClientConnection} and their lifecycle: subscribe (the
 * application's decision, live delivery first, then history and recovery, then presence and join),
 * unsubscribe, the end of those a refreshed token no longer allows, and the end of all of them when
 * the connection goes.
 *
 * <p>Threading: subscribe and unsubscribe run on the connection's reader; engine results complete
 * on engine threads; {@link #endAll} runs once, from whichever thread closes the connection. The
 * map is concurrent; a {@link Subscription} guards its own state.
 */
final class ConnectionSubscriptions {
  private final ClientConnection connection;
  private final Outbox outbox;
  private final HubParts parts;

  /** Subscriptions by channel; written by the reader, read by close and engine threads. */
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

  /**
   * @param connection whose subscriptions these are: it answers the commands and is closed on a gap
   * @param outbox its outbox, into which each subscription queues
   */
  ConnectionSubscriptions(ClientConnection connection, Outbox outbox, HubParts parts) {
    this.connection = connection;
    this.outbox = outbox;
    this.parts = parts;
  }

  /** Channels subscribed now. */
  Set<String> channels() {
    return Set.copyOf(subscriptions.keySet());
  }

  boolean isEmpty() {
    return subscriptions.isEmpty();
  }

  /** How many subscriptions are held now. */
  int size() {
    return subscriptions.size();
  }

  void subscribe(Command.Subscribe s) {
    String channel = s.channel();
    if (!connection.permitted(s.id(), channel, Capability.SUBSCRIBE)) {
      return;
    }
    String unknown = parts.options().namespaces().unknown(channel);
    if (unknown != null) {
      connection.replyError(s.id(), ErrorCode.BAD_CHANNEL, unknown);
      return;
    }
    if (subscriptions.containsKey(channel)) {
      connection.replyError(
          s.id(), ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
      return;
    }
    if (subscriptions.size() >= parts.options().maxSubscriptions()) {
      connection.replyError(
          s.id(),
          ErrorCode.SUBSCRIPTION_LIMIT,
          "at most " + parts.options().maxSubscriptions() + " subscriptions per connection");
      return;
    }
    String refused = connection.hooks().subscribe(channel);
    if (refused != null) {
      connection.replyError(s.id(), ErrorCode.FORBIDDEN, refused);
      return;
    }
    start(s, false);
  }

  /**
   * Subscribes to the {@code channels} the application granted at connect (checked by {@link
   * Grants}), without asking permissions or the subscribe decision: each is told to the client with
   * a {@code subscribe} push instead of a reply. One already subscribed is left as it is.
   */
  void subscribeGranted(List<String> channels) {
    for (String channel : channels) {
      if (!subscriptions.containsKey(channel)) {
        start(new Command.Subscribe(Command.NO_ID, channel), true);
      }
    }
  }

  /**
   * Resubscribes to {@code channel} from {@code since}, for a client that reconnected by itself and
   * sent no command (the fallback transport's {@code Last-Event-ID}): checked as a subscribe
   * command is, but told with a {@code subscribe} push, and a refusal with an {@code unsubscribe}
   * push, as for the channels of a connect grant. One already subscribed is left as it is.
   */
  void resume(String channel, Command.Since since) {
    if (subscriptions.containsKey(channel)) {
      return;
    }
    Identity who = connection.identity();
    String refused = parts.options().namespaces().unknown(channel);
    ErrorCode code = ErrorCode.BAD_CHANNEL;
    if (refused == null && who == null) {
      refused = "connect with a token first";
      code = ErrorCode.UNAUTHORIZED;
    } else if (refused == null && subscriptions.size() >= parts.options().maxSubscriptions()) {
      refused = "at most " + parts.options().maxSubscriptions() + " subscriptions per connection";
      code = ErrorCode.SUBSCRIPTION_LIMIT;
    } else if (refused == null && who != null) {
      code = ErrorCode.FORBIDDEN;
      refused =
          who.permissions().allows(channel, Capability.SUBSCRIBE)
              ? connection.hooks().subscribe(channel)
              : "no subscribe permission for " + channel;
    }
    if (refused != null) {
      parts.metrics().error(code);
      connection.sendOwn(
          new QueuedFrame.Text(ServerMessageEncoder.unsubscribe(channel, code, refused)));
      return;
    }
    start(new Command.Subscribe(Command.NO_ID, channel, since, null), true);
  }

  /**
   * Registers the subscription, then reads the position (and recovers) and activates it.
   *
   * @param granted subscribed by the server: answered with a push, not a reply
   */
  private void start(Command.Subscribe s, boolean granted) {
    String channel = s.channel();
    boolean pattern = ChannelName.isPattern(channel);
    NamespaceOptions ns =
        pattern ? NamespaceOptions.plain() : parts.options().namespaces().of(channel);
    // Permitted above, so connected: an identity, once there, is only replaced.
    Identity who = Objects.requireNonNull(connection.identity(), "permitted, so connected");
    Subscription sub =
        new Subscription(
            channel,
            pattern,
            s.trace(),
            ns,
            new ClientInfo(connection.id(), who.user(), s.info() != null ? s.info() : who.info()),
            connection,
            outbox,
            parts.options().outboxMaxBytes());
    subscriptions.put(channel, sub);
    // Live delivery first (buffered while pending), history second: nothing falls between.
    CompletionStage<Void> live = parts.registry().add(sub);
    if (!connection.isOpen()) {
      parts.registry().remove(sub); // closed while subscribing: release() may have missed it
      return;
    }
    CompletionStage<HistoryResult> read =
        !ns.keepsHistory()
            ? live.thenApply(v -> null)
            : live.thenCompose(
                v ->
                    parts
                        .broker()
                        .history(
                            channel,
                            s.since() == null
                                ? HistoryQuery.POSITION
                                : HistoryQuery.after(Stages.toPosition(s.since()))));
    read.whenComplete(
        (history, failure) -> {
          if (failure != null) {
            if (subscriptions.remove(channel, sub)) {
              sub.cancel();
              parts.registry().remove(sub);
            }
            ErrorCode code = Stages.errorCode(failure);
            String why = "subscribe failed: " + Stages.rootMessage(failure);
            if (granted) {
              parts.metrics().error(code);
              connection.afterEnqueue(
                  outbox.enqueue(
                      new QueuedFrame.Text(ServerMessageEncoder.unsubscribe(channel, code, why)),
                      false));
            } else {
              connection.replyError(s.id(), code, why);
            }
            return;
          }
          activate(s, sub, history, granted);
        });
  }

  private void activate(
      Command.Subscribe s, Subscription sub, @Nullable HistoryResult history, boolean granted) {
    String reply;
    Recovery recovery;
    if (history == null) {
      recovery = null;
      reply =
          s.since() == null
              ? ServerMessageEncoder.ok(s.id())
              : ServerMessageEncoder.notRecovered(s.id(), "the channel keeps no history");
    } else if (s.since() == null) {
      recovery = null;
      StreamPosition now = history.position();
      reply = ServerMessageEncoder.subscribed(s.id(), now.offset(), now.epoch());
    } else {
      recovery = Recovery.decide(s.since(), history);
      StreamPosition now = recovery.position();
      reply =
          recovery.recovered()
              ? ServerMessageEncoder.recovered(s.id(), now.offset(), now.epoch())
              : ServerMessageEncoder.notRecovered(
                  s.id(),
                  Objects.requireNonNull(recovery.reason(), "a failed recovery says why"),
                  now.offset(),
                  now.epoch());
      parts.metrics().recovery(recovery.recovered());
    }
    long startAfter =
        recovery != null
            ? recovery.startAfter()
            : history != null ? history.position().offset() : 0;
    QueuedFrame replyFrame =
        new QueuedFrame.Text(granted ? grantPush(s, history, recovery) : reply);
    OwnProtocol own = connection.own;
    if (own != null
        || (!granted && s.id() == Command.NO_ID && (recovery == null || recovery.recovered()))) {
      replyFrame = null; // no id, nothing to tell: a failed recovery is still reported
    }
    String epoch = history != null ? history.position().epoch() : null;
    Subscription.Activation done =
        sub.activate(
            replyFrame, recovery == null ? List.of() : recovery.backlog(), startAfter, epoch);
    String gap = done.gap();
    if (gap != null) {
      connection.missed(sub.channel, gap);
      return;
    }
    connection.afterEnqueue(done.queued());
    if (own != null) {
      StreamPosition at =
          recovery != null
              ? recovery.position()
              : history != null ? history.position() : new StreamPosition(0, "");
      boolean recovered = recovery == null ? s.since() == null : recovery.recovered();
      String why =
          recovered ? null : recovery != null ? recovery.reason() : "the channel keeps no history";
      own.answered(
          s.id(), new OwnProtocol.Answer.Subscribed(at.offset(), at.epoch(), recovered, why));
    }
    if (done.live()) {
      announce(sub);
      ConnectionHooks hooks = connection.hooks();
      // Marked before it is told: whoever ends it from now on (also the listener itself, from
      // inside Subscribed) tells Unsubscribed. Ended already: neither is told.
      if (hooks.listening() && sub.markTold()) {
        hooks.subscribed(sub.channel);
      }
    }
  }

  /**
   * The {@code subscribe} push of a subscription the server made: the position publications follow
   * from, which for a resumed one that recovered is the position it resumed from.
   */
  private static String grantPush(
      Command.Subscribe s, @Nullable HistoryResult history, @Nullable Recovery recovery) {
    if (history == null) {
      return ServerMessageEncoder.subscribe(s.channel(), 0, null);
    }
    Command.Since since = s.since();
    if (recovery != null && since != null && recovery.recovered()) {
      return ServerMessageEncoder.subscribe(s.channel(), since.offset(), since.epoch());
    }
    StreamPosition at = history.position(); // a gap since then is told: publications were lost
    String gap = recovery == null || since == null ? null : recovery.reason();
    return ServerMessageEncoder.subscribe(s.channel(), at.offset(), at.epoch(), gap);
  }

  /** Presence and join, then the race with a concurrent cancel resolved (see Subscription). */
  private void announce(Subscription sub) {
    NamespaceOptions ns = sub.options;
    if (!ns.presence() && !ns.joinLeave()) {
      return;
    }
    if (ns.presence()) {
      parts.presence().add(sub.channel, sub.client);
    }
    if (ns.joinLeave()) {
      parts.broker().publishJoin(sub.channel, sub.client);
    }
    if (!sub.markAnnounced()) {
      retract(sub);
    }
  }

  /** Takes back presence and join: presence entry removed, leave published. */
  private void retract(Subscription sub) {
    if (sub.options.presence()) {
      parts.presence().remove(sub.channel, connection.id());
    }
    if (sub.options.joinLeave()) {
      parts.broker().publishLeave(sub.channel, sub.client);
    }
  }

  void unsubscribe(Command.Unsubscribe u) {
    Subscription sub = subscriptions.remove(u.channel());
    if (sub == null) {
      connection.replyError(u.id(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + u.channel());
      return;
    }
    end(sub, null);
    connection.reply(u.id(), ServerMessageEncoder.ok(u.id()));
  }

  /**
   * Stops deliveries to {@code sub}, removes it from the hub and takes back its presence.
   *
   * @param notice the push telling the client it ended, or null when none is due (the client
   *     unsubscribed, or the connection is going away)
   */
  private void end(Subscription sub, @Nullable QueuedFrame notice) {
    OwnProtocol own = connection.own;
    if (own != null && notice != null) {
      own.ended(sub.channel); // told in its own way, not with a hub protocol push
      notice = null;
    }
    boolean announced;
    if (notice == null) {
      announced = sub.cancel();
    } else {
      Subscription.Revocation revoked = sub.revoke(notice);
      Outbox.Offer queued = revoked.queued();
      if (queued != null) {
        connection.afterEnqueue(queued);
      }
      announced = revoked.announced();
    }
    parts.registry().remove(sub);
    if (announced) {
      retract(sub);
    }
    ConnectionHooks hooks = connection.hooks();
    if (hooks.listening() && sub.told()) {
      hooks.unsubscribed(sub.channel);
    }
  }

  /**
   * Ends, each with an {@code unsubscribe} push, the subscriptions {@code who} may no longer hold.
   * Runs before the refresh reply, so a client reading that reply has already heard of every
   * subscription that ended (one still being set up ends right after its own subscribe reply).
   */
  void endRevoked(Identity who) {
    for (Subscription sub : Revocations.disallowed(subscriptions.values(), who.permissions())) {
      if (subscriptions.remove(sub.channel, sub)) {
        end(sub, Revocations.notice(sub));
      }
    }
  }

  /**
   * Ends the subscription to {@code channel}, if any, with an {@code unsubscribe} push (111): the
   * application removed this user from the channel. Any thread: the map removal decides who ends
   * it.
   */
  boolean endByServer(String channel, String reason) {
    Subscription sub = subscriptions.get(channel);
    if (sub == null || !subscriptions.remove(channel, sub)) {
      return false;
    }
    end(sub, Revocations.notice(sub, reason));
    return true;
  }

  /** Ends every subscription, without notices: the connection is going away. */
  void endAll() {
    List<Subscription> subs = new ArrayList<>(subscriptions.values());
    subscriptions.clear();
    for (Subscription sub : subs) {
      end(sub, null);
    }
  }
}
