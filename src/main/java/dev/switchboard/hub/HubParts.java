package dev.switchboard.hub;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.PresenceStore;
import dev.switchboard.protocol.CommandDecoder;

/**
 * The parts of a {@link Hub} that its connections work with, handed to each connection (and from it
 * to its helpers) when it is opened, so none of them reaches through the hub for them.
 *
 * @param options the hub's limits, namespaces and connection policy
 * @param metrics the hub's counters
 * @param decoder decodes the commands of every connection
 * @param registry the node's subscriptions, which a subscription joins and leaves
 * @param broker history reads, join and leave
 * @param presence who is in a channel
 * @param clock the time connections read: liveness, rates and sends in flight
 * @param warnings the warnings about single connections, limited in number
 * @param hooks the application's decisions and event listener
 */
record HubParts(
    HubOptions options,
    HubMetrics metrics,
    CommandDecoder decoder,
    SubscriptionRegistry registry,
    Broker broker,
    PresenceStore presence,
    HubClock clock,
    HubWarnings warnings,
    Hooks hooks) {}
