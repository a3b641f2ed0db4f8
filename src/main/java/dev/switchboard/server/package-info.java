/**
 * The Jakarta WebSocket adapter: endpoints, configurator and the {@link
 * dev.switchboard.hub.Transport} over a {@code jakarta.websocket.Session}. The only server code
 * that imports {@code jakarta.websocket}; it uses only the portable API, so the same classes run on
 * Tyrus (standalone) and on any container's implementation (WAR).
 */
package dev.switchboard.server;
