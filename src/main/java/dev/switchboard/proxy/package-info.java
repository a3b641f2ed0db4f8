/**
 * Backend decisions over HTTP: {@link dev.switchboard.proxy.ProxyDecisions} asks the application's
 * backend, by a JSON POST per decision, whether a client may connect, subscribe and publish, and
 * forwards {@code rpc} commands to it. Built from configuration by the composition root; knows the
 * hooks and the protocol's payloads only.
 */
@NullMarked
package dev.switchboard.proxy;

import org.jspecify.annotations.NullMarked;
