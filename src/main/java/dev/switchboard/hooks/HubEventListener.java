package dev.switchboard.hooks;

/**
 * Told of every {@link HubEvent}. Called on I/O and engine threads, so it must return quickly and
 * never block: hand slow work to another thread (the CDI integration does, and keeps the events of
 * one connection in order).
 */
@FunctionalInterface
public interface HubEventListener {

  /** Listens to nothing. */
  HubEventListener NONE = event -> {};

  void on(HubEvent event);
}
