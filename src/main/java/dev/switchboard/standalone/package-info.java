/**
 * The standalone server: one Grizzly {@code HttpServer} port carrying the Tyrus WebSocket
 * endpoints, the static web pages, the HTTP API and optional TLS. Excluded from the WAR.
 */
package dev.switchboard.standalone;
