package dev.switchboard.server;

import jakarta.websocket.Session;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions open now on a deployment's endpoints, so that shutdown can wait for them to close.
 * The endpoints add a session when it opens and remove it when it closes. Thread-safe.
 */
final class OpenSessions {
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

  /** Notified when the last session closes. */
  private final Object allClosed = new Object();

  void opened(Session session) {
    sessions.add(session);
  }

  void closed(Session session) {
    sessions.remove(session);
    if (sessions.isEmpty()) {
      synchronized (allClosed) {
        allClosed.notifyAll();
      }
    }
  }

  int count() {
    return sessions.size();
  }

  /**
   * Waits up to {@code grace} until every session has closed.
   *
   * @return whether all sessions closed in time
   */
  boolean awaitAllClosed(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    synchronized (allClosed) {
      while (!sessions.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        allClosed.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }
}
