/**
 * The hub core: connections, subscriptions, fan-out and per-connection outboxes. Imports nothing
 * from Jakarta; a transport adapter ({@code dev.switchboard.server}) drives it through {@link
 * dev.switchboard.hub.ClientConnection} and implements {@link dev.switchboard.hub.Transport}.
 */
package dev.switchboard.hub;
