package dev.switchboard.client;

import java.util.concurrent.CompletableFuture;

/** A live subscription. Thread-safe. */
public interface Subscription {
  String channel();

  /** Offset of the last publication received (0 before any). */
  long offset();

  /** Epoch of the last position, empty before any. */
  String epoch();

  /** Ends the subscription; the client stops resubscribing it after reconnects. */
  CompletableFuture<Void> unsubscribe();

  /**
   * Whether the subscription ended: unsubscribed, refused or ended by the server. An ended
   * subscription receives nothing more and is not renewed on reconnect.
   */
  boolean ended();
}
