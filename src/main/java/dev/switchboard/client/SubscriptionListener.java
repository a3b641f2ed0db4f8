package dev.switchboard.client;

import org.jspecify.annotations.Nullable;

/**
 * Receives a subscription's publications and events, in order, on the client's callback thread
 * (never on the socket reader: a slow listener delays only its own callbacks).
 */
@FunctionalInterface
public interface SubscriptionListener {
  void onMessage(Message message);

  /**
   * The subscription is (again) in place. After a reconnect, {@code recovered} says whether every
   * publication missed meanwhile follows; when false, {@code reason} says why and the application
   * should reload its state (e.g. from history): live delivery continues from now.
   */
  default void onSubscribed(boolean recovered, @Nullable String reason) {}

  /** Someone subscribed to the channel (namespaces with join/leave). */
  default void onJoin(Member member) {}

  /** Someone's subscription to the channel ended (namespaces with join/leave). */
  default void onLeave(Member member) {}

  /**
   * The server refused the subscription (e.g. error 111); it will not be retried. A refusal with
   * 109 ({@code unavailable}: the node cannot reach its engine, Redis failing over say) is not
   * reported here: the subscribe is sent again after 100 ms, then after twice as long each time, up
   * to 5 s.
   */
  default void onError(SwitchboardException error) {}

  /**
   * The server ended the subscription: {@code reason} carries the code, e.g. 111 after a token
   * refresh that no longer allows it. Nothing more arrives for it, and it is not renewed on
   * reconnect, since the server would refuse it again.
   */
  default void onUnsubscribed(SwitchboardException reason) {}
}
