package dev.switchboard.hooks;

import org.jspecify.annotations.Nullable;

/**
 * A client connection as decisions and events see it.
 *
 * @param connectionId the id the hub gave the connection (as in {@code connected} and presence)
 * @param user the authenticated user (token {@code sub} or the container's principal), or null for
 *     an anonymous connection
 * @param info JSON text from the token's {@code info} claim, or null
 */
public record Client(String connectionId, @Nullable String user, @Nullable String info) {}
