package dev.switchboard.hub;

/**
 * Where a node stands in its life, as {@link Phase}: serving, then at shutdown draining (not ready,
 * still accepting), then closing. It only moves forward. Thread-safe: one thread stops the node,
 * any thread reads.
 */
public final class Lifecycle {
  /** Written under {@code this}; volatile so that every connection's open reads it lock-free. */
  private volatile Phase phase = Phase.SERVING;

  public Phase phase() {
    return phase;
  }

  /** Whether new connections are welcome: true until {@link #stopAccepting}. */
  public boolean isAccepting() {
    return phase != Phase.CLOSING;
  }

  /** Begins shutdown: not ready from now on, but connections are still welcome. */
  public synchronized void startDraining() {
    if (phase == Phase.SERVING) {
      phase = Phase.DRAINING;
    }
  }

  /** Connections opened from now on are closed with 1012 (service restart) at once. */
  public synchronized void stopAccepting() {
    phase = Phase.CLOSING;
  }
}
