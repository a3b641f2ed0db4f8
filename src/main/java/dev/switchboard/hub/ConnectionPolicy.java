package dev.switchboard.hub;

import dev.switchboard.auth.TokenVerifier;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the hub requires of a connection: authentication, message rates and liveness.
 *
 * @param authRequired whether a valid token must come first (connect command or handshake header)
 * @param tokens verifies tokens; null when no keys are configured (then every token is refused)
 * @param authTimeout how long an unauthenticated connection may wait before it must be connected
 * @param rateMessages messages per second a connection may send; 0 for no limit
 * @param rateBytes bytes per second a connection may send; 0 for no limit
 * @param pingInterval ping a connection that sent nothing for this long
 * @param pongTimeout close it (4001) when nothing arrives this long after the ping
 * @param sendTimeout close it (4005) when a send stays uncompleted this long
 */
public record ConnectionPolicy(
    boolean authRequired,
    @Nullable TokenVerifier tokens,
    Duration authTimeout,
    int rateMessages,
    long rateBytes,
    Duration pingInterval,
    Duration pongTimeout,
    Duration sendTimeout) {

  /** No authentication, no rate limits, generous liveness: for tests and embedding. */
  public static ConnectionPolicy open() {
    return new ConnectionPolicy(
        false,
        null,
        Duration.ofSeconds(10),
        0,
        0,
        Duration.ofSeconds(25),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30));
  }
}
