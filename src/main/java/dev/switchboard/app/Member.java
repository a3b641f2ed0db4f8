package dev.switchboard.app;

import org.jspecify.annotations.Nullable;

/**
 * One connection present in a channel.
 *
 * @param client the connection's id, unique across nodes
 * @param user its token's user, null for an anonymous connection
 * @param info the JSON text it gave when subscribing, null when none
 */
public record Member(String client, @Nullable String user, @Nullable String info) {}
