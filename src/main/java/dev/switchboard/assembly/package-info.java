/**
 * The composition root: {@link dev.switchboard.assembly.ServerAssembly} builds the engine, the hub,
 * the WebSocket endpoints and the HTTP API from a {@link dev.switchboard.config.ServerConfig}. The
 * hosts (the standalone server and the WAR bootstrap) each build one; no other area depends on it.
 */
package dev.switchboard.assembly;
