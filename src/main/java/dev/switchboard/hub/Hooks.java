package dev.switchboard.hub;

import dev.switchboard.hooks.Decisions;
import dev.switchboard.hooks.HubEventListener;

/**
 * What the application plugged into the hub: its {@link Decisions} and its {@link
 * HubEventListener}. Set at any time (an integration that starts after the hub sets them later);
 * connections read them on each use.
 */
final class Hooks {
  private volatile Decisions decisions = Decisions.ALLOW_ALL;
  private volatile HubEventListener listener = HubEventListener.NONE;

  Decisions decisions() {
    return decisions;
  }

  HubEventListener listener() {
    return listener;
  }

  void decideWith(Decisions decisions) {
    this.decisions = decisions;
  }

  void listen(HubEventListener listener) {
    this.listener = listener;
  }
}
