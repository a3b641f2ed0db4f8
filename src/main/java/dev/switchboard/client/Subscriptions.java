package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.JsonStrings;
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

    /** Sends the frame {@code frame} builds for a fresh request id; completes with the reply. */
    CompletableFuture<JsonNode> request(LongFunction<String> frame);
  }

  private final Scheduler state;
  private final Callbacks callbacks;
  private final Link link;
  private final Map<String, Sub> subs = new LinkedHashMap<>();

  Subscriptions(Scheduler state, Callbacks callbacks, Link link) {
    this.state = state;
    this.callbacks = callbacks;
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

  /** A connection is up: every subscription is renewed from its last position. */
  void renewAll() {
    for (Sub sub : subs.values()) {
      subscribe(sub);
    }
  }

  private void subscribe(Sub sub) {
    String since =
        sub.offset > 0 || !sub.epoch.isEmpty()
            ? ",\"since\":{\"offset\":"
                + sub.offset
                + ",\"epoch\":"
                + JsonStrings.quote(sub.epoch)
                + "}"
            : "";
    link.request(
            id ->
                "{\"id\":"
                    + id
                    + ",\"op\":\"subscribe\",\"channel\":"
                    + JsonStrings.quote(sub.channel)
                    + (sub.pattern ? "" : since)
                    + "}")
        .whenComplete((r, e) -> state.execute(() -> subscribed(sub, r, e)));
  }

  private void subscribed(Sub sub, JsonNode reply, Throwable e) {
    if (sub.ended) {
      return; // ended by a push handled before this reply's continuation ran
    }
    if (e != null) {
      if (e instanceof SwitchboardException se && se.errorCode() != 0) {
        sub.ended = true;
        subs.remove(sub.channel, sub);
        callbacks.post(() -> sub.listener.onError(se));
      }
      return; // a broken connection: resubscribed after the reconnect
    }
    boolean recovered = !reply.has("recovered") || reply.get("recovered").asBoolean();
    String reason = reply.path("reason").asText(null);
    if (reply.has("epoch") && (!recovered || sub.epoch.isEmpty())) {
      sub.offset = reply.path("offset").asLong();
      sub.epoch = reply.path("epoch").asText();
    }
    callbacks.post(() -> sub.listener.onSubscribed(recovered, reason));
  }

  /** A push (a server message without an id) about {@code channel}. */
  void onPush(String channel, JsonNode n) {
    if (n.has("unsubscribe")) {
      ended(channel, n.get("unsubscribe"));
      return;
    }
    for (Sub sub : subsFor(channel)) {
      if (n.has("data")) {
        long offset = n.path("offset").asLong();
        String epoch = n.path("epoch").asText("");
        sub.delivered(offset, epoch);
        Message m = new Message(channel, offset, epoch, n.get("data").toString(), null);
        callbacks.post(() -> sub.listener.onMessage(m));
      } else if (n.has("join")) {
        String who = n.get("join").toString();
        callbacks.post(() -> sub.listener.onJoin(who));
      } else if (n.has("leave")) {
        String who = n.get("leave").toString();
        callbacks.post(() -> sub.listener.onLeave(who));
      }
    }
  }

  /** A binary publication. */
  void onBinary(String channel, long offset, String epoch, byte[] payload) {
    for (Sub sub : subsFor(channel)) {
      sub.delivered(offset, epoch);
      Message m = new Message(channel, offset, epoch, null, payload);
      callbacks.post(() -> sub.listener.onMessage(m));
    }
  }

  /**
   * The server ended the subscription to {@code channel}: a channel or a pattern, never matched.
   */
  private void ended(String channel, JsonNode reason) {
    Sub sub = subs.remove(channel);
    if (sub == null) {
      return;
    }
    sub.ended = true;
    SwitchboardException e =
        new SwitchboardException(
            reason.path("message").asText("unsubscribed"), reason.path("code").asInt(), 0);
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

    Sub(String channel, SubscriptionListener listener) {
      this.channel = channel;
      this.pattern = ChannelName.isPattern(channel);
      this.listener = listener;
    }

    void delivered(long offset, String epoch) {
      if (!pattern && offset > 0) {
        this.offset = offset;
        this.epoch = epoch;
      }
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
            link.request(
                    id ->
                        "{\"id\":"
                            + id
                            + ",\"op\":\"unsubscribe\",\"channel\":"
                            + JsonStrings.quote(channel)
                            + "}")
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
