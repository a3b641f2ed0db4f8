/**
 * The fallback transport: the hub protocol carried by Server-Sent Events (server to client) and
 * HTTP POST (client to server) for networks that refuse WebSocket. A session is a hub {@code
 * ClientConnection} over an {@link dev.switchboard.sse.SseTransport}. No Jakarta, Grizzly or
 * servlet type here: the standalone server and the WAR each adapt their HTTP requests to {@link
 * dev.switchboard.sse.SseSessions} and their non-blocking response output to an {@link
 * dev.switchboard.sse.EventStream}.
 */
package dev.switchboard.sse;
