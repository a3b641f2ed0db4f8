/**
 * Logging that the rest of Switchboard shares: the handshake access log ({@link
 * dev.switchboard.log.AccessLog}) and the rate limit on repeated warnings ({@link
 * dev.switchboard.log.LogLimiter}). Writes through {@link java.lang.System.Logger} only, so that
 * the standalone jar's Logback and a container's logging both receive it; knows no other package.
 */
package dev.switchboard.log;
