/**
 * The load generator behind {@code switchboard bench}: an NIO WebSocket client (a few selector
 * threads, never a thread per connection) that speaks the hub protocol, plain WebSocket rooms and
 * Socket.IO, and measures deliveries, latency, loss and order. Not in the WAR.
 */
package dev.switchboard.bench;
