/**
 * The HTTP API (publish, history, presence, stats, health, readiness) as plain request and response
 * values: {@link dev.switchboard.http.HttpApi} routes a request to one resource per file after the
 * one access check ({@code Access}), and answers asynchronously through an {@link
 * dev.switchboard.http.HttpExchange}, which the Grizzly handler of the standalone server and the
 * servlet of the WAR each adapt to in a few lines. No servlet or Grizzly types here.
 */
package dev.switchboard.http;
