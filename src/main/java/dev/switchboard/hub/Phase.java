package dev.switchboard.hub;

/**
 * Where a node stands in its life. It only moves forward: {@link #SERVING}, then at shutdown {@link
 * #DRAINING}, then {@link #CLOSING}.
 */
public enum Phase {
  /** Ready: {@code /ready} answers 200 (when the engine is ready) and connections are welcome. */
  SERVING,

  /**
   * Shutdown has begun: {@code /ready} answers 503 so that load balancers stop routing here, while
   * connections are still welcome (a balancer that has not noticed yet loses nothing).
   */
  DRAINING,

  /** Connections are being closed; a new one is closed at once with 1012 (service restart). */
  CLOSING
}
