package dev.switchboard.hub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports sends not completed within {@code ws.send-timeout}: once per hub at WARNING, later ones
 * at DEBUG. Every one is counted by its close (4005); a container that loses send callbacks would
 * otherwise fill the log with one line per connection. Thread-safe.
 */
final class SendTimeouts {
  /** The hub's logger: where operators have always found this line. */
  private static final System.Logger LOG = System.getLogger(Hub.class.getName());

  /** Whether a timeout has been logged at WARNING yet. */
  private final AtomicBoolean logged = new AtomicBoolean();

  /** A send of {@code connection} was not completed within {@code timeout}. */
  void report(String connection, Duration timeout) {
    boolean first = logged.compareAndSet(false, true);
    LOG.log(
        first ? Level.WARNING : Level.DEBUG,
        connection
            + ": a send was not completed within "
            + timeout.toSeconds()
            + " s (ws.send-timeout): closing it with 4005. The client's socket took nothing for"
            + " that long, or the WebSocket container never reported the send as done"
            + (first
                ? "; further ones are logged at DEBUG and counted in stats as closes.send_timeout"
                : ""));
  }
}
