package dev.switchboard.engine;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The state of a node's link to the service its engine shares with the other nodes (Redis), for
 * status pages and metrics. Read-only and cheap: each call returns what the engine last saw, it
 * never probes the service. A single-node engine has no link ({@link #NO_LINK}). Thread-safe.
 */
public interface EngineStatus {

  /** The link's state. */
  enum Link {
    /** A single-node engine (memory): there is no link to be up or down. */
    NONE,
    /** Every connection to the service is open. */
    UP,
    /** At least one connection to the service is broken; the engine is reconnecting. */
    DOWN
  }

  /** The status of an engine without a link. */
  EngineStatus NO_LINK =
      new EngineStatus() {
        @Override
        public Link link() {
          return Link.NONE;
        }

        @Override
        public @Nullable Instant since() {
          return null;
        }

        @Override
        public long reconnects() {
          return 0;
        }
      };

  /** The link's state now. */
  Link link();

  /**
   * When the link entered its current state (the engine's start for the first UP); null for NONE.
   */
  @Nullable Instant since();

  /** How many times the link came back up after it broke, since the engine started. */
  long reconnects();
}
