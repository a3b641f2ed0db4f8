package dev.switchboard.engine;

/**
 * The state of an engine's network link (Redis), for metrics and health output. An engine without a
 * link (the memory engine) does not implement it. Both methods are cheap, never block and may be
 * called from any thread.
 */
public interface EngineLink {
  /**
   * Whether the link is usable now: connected and, after a break, subscribed again to everything
   * the node wants.
   */
  boolean linkUp();

  /** Times the link broke since the engine started; each break is followed by reconnecting. */
  long linkBreaks();
}
