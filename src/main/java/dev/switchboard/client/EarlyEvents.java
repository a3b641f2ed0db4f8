package dev.switchboard.client;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A connection's events that came while a connection attempt was being opened. The WebSocket
 * implementation may deliver the server's first messages, or its close, before the handshake's
 * future completes (the server sends a connect grant's subscribe pushes at once when no token is
 * needed): dropped as events of no current connection, such a push was lost, and with it a
 * subscription the server made. They are kept until the attempt is opened instead. Confined to the
 * client's state thread.
 */
final class EarlyEvents {
  private record Event(Transport t, Runnable run) {}

  private final List<Event> kept = new ArrayList<>();
  private boolean opening;

  /** An attempt is being opened: events of transports not yet current are kept. */
  void opening() {
    opening = true;
  }

  /** Keeps {@code event} of {@code t} while an attempt is being opened, else drops it. */
  void keep(Transport t, Runnable event) {
    if (opening) {
      kept.add(new Event(t, event));
    }
  }

  /**
   * The attempt ended: its transport {@code opened} (null when it failed) has the kept events, in
   * order, to run once it is current; those of earlier connections are dropped.
   */
  List<Runnable> end(@Nullable Transport opened) {
    opening = false;
    List<Runnable> of = kept.stream().filter(e -> e.t() == opened).map(Event::run).toList();
    kept.clear();
    return of;
  }
}
