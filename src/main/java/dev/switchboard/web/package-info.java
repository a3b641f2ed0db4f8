/**
 * The WAR bootstrap: builds a {@link dev.switchboard.assembly.ServerAssembly} when the web
 * application starts, registers its endpoints with the container's own WebSocket implementation and
 * its HTTP API as a servlet, and tears everything down at undeploy. Not in the standalone jar.
 */
package dev.switchboard.web;
