package dev.switchboard.hub;

import dev.switchboard.log.LogLimiter;
import java.time.Duration;

/**
 * The hub's warnings about single connections, which come in numbers when something goes wrong for
 * many at once (a container that loses send callbacks, a node that missed publications of a busy
 * channel): each kind at most {@link LogLimiter#DEFAULT_LIMIT} times a minute, then one line
 * counting the rest. Every occurrence is also counted by its close (4005, 4004). Thread-safe.
 */
final class HubWarnings {
  /** The hub's logger: where operators have always found these lines. */
  private static final System.Logger LOG = System.getLogger(Hub.class.getName());

  private final LogLimiter limiter = LogLimiter.of(LOG);

  /** A send of {@code connection} was not completed within {@code timeout}. */
  void sendTimeout(String connection, Duration timeout) {
    limiter.warn(
        "send not completed within ws.send-timeout",
        connection
            + ": a send was not completed within "
            + timeout.toSeconds()
            + " s (ws.send-timeout): closing it with 4005. The client's socket took nothing for"
            + " that long, or the WebSocket container never reported the send as done; all are"
            + " counted in stats as closes.send_timeout");
  }

  /** {@code connection} missed publications of {@code channel} and is closed with 4004. */
  void missed(String connection, String channel, String why) {
    limiter.warn(
        "missed publications",
        connection + ": " + channel + ": " + why + "; closing with 4004 to recover");
  }
}
