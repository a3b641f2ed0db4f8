package dev.switchboard.engine;

import dev.switchboard.protocol.CloseCode;

/**
 * An act on connections that every node performs on its own ones, sent with {@link
 * Broker#broadcast} and received by {@link BrokerHandler#onNodeCommand}.
 */
public sealed interface NodeCommand {

  /** Close every connection of {@code user} with {@code code}. */
  record DisconnectUser(String user, CloseCode code, String reason) implements NodeCommand {}

  /** End {@code user}'s subscriptions to {@code channel} with the unsubscribe push (111). */
  record UnsubscribeUser(String user, String channel, String reason) implements NodeCommand {}
}
