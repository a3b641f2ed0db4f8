/**
 * The HTTP API (publish, health, readiness, stats) as plain request and response values, so the
 * Grizzly handler of the standalone server and the servlet of the WAR share one implementation.
 * No servlet or Grizzly types here.
 */
package dev.switchboard.http;
