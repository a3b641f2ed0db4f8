package dev.switchboard.hub;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import org.jspecify.annotations.Nullable;

/**
 * What a connection attached by an application's own endpoint does instead of the hub protocol (see
 * {@link Hub#attach}): its publications leave in the endpoint's own format, and the answers to the
 * commands the application runs for it ({@link ClientConnection#run}) come back here instead of
 * going to the client as hub protocol replies. Everything else is a hub connection's: the outbox
 * and its slow-consumer close (4000), the gap checks and recovery, liveness, shutdown.
 *
 * <p>Called on fan-out lanes, engine threads and the session's thread: implementations must be
 * thread-safe and must not block.
 */
public interface OwnProtocol {

  /**
   * The frame of a publication in the endpoint's format. Called once per publication for each
   * attached connection that gets it (live, buffered while subscribing, or recovered from history);
   * an exception closes the connection with 1011.
   */
  QueuedFrame publication(String channel, long offset, String epoch, Payload payload);

  /** The answer to the command with {@code commandId}. */
  void answered(long commandId, Answer answer);

  /**
   * The server ended the subscription to {@code channel} (the application removed the user from
   * it): no more publications of it arrive. A hub protocol client would get an {@code unsubscribe}
   * push.
   */
  void ended(String channel);

  /** What became of a command. */
  sealed interface Answer {
    /** Subscribed: live from {@code offset}; {@code recovered} is false if a recovery failed. */
    record Subscribed(long offset, String epoch, boolean recovered, @Nullable String reason)
        implements Answer {}

    /** Done (an unsubscribe). */
    record Done() implements Answer {}

    /** Refused, with the error the hub protocol would have sent. */
    record Refused(ErrorCode code, String message) implements Answer {}
  }
}
