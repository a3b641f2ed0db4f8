package dev.switchboard.hooks;

import dev.switchboard.protocol.Payload;

/**
 * Something a client did, told to a {@link HubEventListener} after the hub did it. The CDI
 * integration fires each one as a CDI event of its record type.
 */
public sealed interface HubEvent {

  /** The connection the event is about. */
  Client client();

  /** A connection opened and has its identity (after {@link Decisions#connect} allowed it). */
  record ConnectionOpened(Client client) implements HubEvent {}

  /**
   * A connection closed, by either side.
   *
   * @param code the close code ({@code 1006} when the transport went away without one)
   * @param reason the close reason, possibly empty
   */
  record ConnectionClosed(Client client, int code, String reason) implements HubEvent {}

  /** A subscription became active ({@code channel} may be a pattern). */
  record Subscribed(Client client, String channel) implements HubEvent {}

  /**
   * A subscription ended: asked by the client, revoked, or its connection closed.
   *
   * @param channel the channel or pattern
   */
  record Unsubscribed(Client client, String channel) implements HubEvent {}

  /**
   * A client's publication was accepted by the engine.
   *
   * @param payload what was published (after any rewrite)
   * @param offset its place in the channel's history (0 when the namespace keeps none)
   * @param epoch the history epoch
   */
  record ClientPublished(Client client, String channel, Payload payload, long offset, String epoch)
      implements HubEvent {}
}
