package dev.switchboard.client;

import dev.switchboard.protocol.ServerMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Request bookkeeping: the ids of requests sent and waiting for their reply, each failed after the
 * request timeout, and the publishes held until there is a connection. Confined to the client's
 * state thread; it sends nothing itself.
 */
final class Requests {
  private final Scheduler scheduler;
  private final Duration timeout;
  private final int maxHeld;

  private long nextId = 1;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  /** A request sent and waiting for its reply. */
  private record Pending(
      CompletableFuture<ServerMessage.Ok> future, Scheduler.Cancellable timeout) {}

  /** A publish waiting for a connection: its frame (text or binary) is ready, id included. */
  record Held(
      long id,
      @Nullable String text,
      byte @Nullable [] binary,
      CompletableFuture<ServerMessage.Ok> future,
      Scheduler.Cancellable timeout) {}

  Requests(Scheduler scheduler, Duration timeout, int maxHeld) {
    this.scheduler = scheduler;
    this.timeout = timeout;
    this.maxHeld = maxHeld;
  }

  long nextId() {
    return nextId++;
  }

  /** Registers a request sent with {@code id}; it fails after the request timeout. */
  CompletableFuture<ServerMessage.Ok> track(long id) {
    CompletableFuture<ServerMessage.Ok> f = new CompletableFuture<>();
    Scheduler.Cancellable t =
        scheduler.schedule(
            () -> {
              Pending p = pending.remove(id);
              if (p != null) {
                p.future.completeExceptionally(
                    SwitchboardException.of("no reply within " + timeout.toMillis() + " ms"));
              }
            },
            timeout);
    pending.put(id, new Pending(f, t));
    return f;
  }

  /**
   * A reply arrived: completes the request with its id, or fails it with the error reply's code and
   * message. A reply to no waiting request (late, after its timeout) is ignored.
   */
  void answer(ServerMessage.Ok reply) {
    Pending p = pending.remove(reply.id());
    if (p != null) {
      p.timeout.cancel();
      p.future.complete(reply);
    }
  }

  /** An error reply arrived for a request; see {@link #answer}. */
  void answer(ServerMessage.ErrorReply reply) {
    Pending p = pending.remove(reply.id());
    if (p != null) {
      p.timeout.cancel();
      p.future.completeExceptionally(new SwitchboardException(reply.message(), reply.code(), 0));
    }
  }

  /** Fails every request waiting for a reply: its connection is gone. */
  void failSent(SwitchboardException e) {
    for (Pending p : pending.values()) {
      p.timeout.cancel();
      p.future.completeExceptionally(e);
    }
    pending.clear();
  }

  /**
   * Holds a publish until {@link #release}; fails {@code future} at once when {@code maxHeld}
   * already wait, or after the request timeout.
   */
  void hold(
      long id,
      @Nullable String text,
      byte @Nullable [] binary,
      CompletableFuture<ServerMessage.Ok> future) {
    if (held.size() >= maxHeld) {
      future.completeExceptionally(
          SwitchboardException.of("not connected and " + maxHeld + " publishes already wait"));
      return;
    }
    Held[] self = new Held[1];
    Scheduler.Cancellable t =
        scheduler.schedule(
            () -> {
              if (held.remove(self[0])) {
                future.completeExceptionally(
                    SwitchboardException.of(
                        "not connected: publish timed out after " + timeout.toMillis() + " ms"));
              }
            },
            timeout);
    self[0] = new Held(id, text, binary, future, t);
    held.add(self[0]);
  }

  /** A connection is up: hands every held publish, oldest first, to {@code send}. */
  void release(Consumer<Held> send) {
    while (!held.isEmpty()) {
      Held h = held.poll();
      h.timeout.cancel();
      send.accept(h);
    }
  }

  /** The client ended: fails every held publish. */
  void failHeld(SwitchboardException e) {
    while (!held.isEmpty()) {
      Held h = held.poll();
      h.timeout.cancel();
      h.future.completeExceptionally(e);
    }
  }
}
