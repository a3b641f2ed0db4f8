package dev.switchboard.client;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link Transport.Connector}: each {@code open} is an {@link Attempt} the test
 * answers, and each transport records what the client sent and how it closed it. Its lists may be
 * read from another thread than the client's (a client on its own state thread).
 */
final class FakeConnector implements Transport.Connector {
  final List<Attempt> attempts = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<Transport> open(Transport.Listener listener) {
    Attempt a = new Attempt(listener);
    attempts.add(a);
    return a.handshake;
  }

  Attempt last() {
    return attempts.get(attempts.size() - 1);
  }

  /** One connection attempt and, once its handshake succeeded, its connection. */
  static final class Attempt {
    final Transport.Listener listener;
    final CompletableFuture<Transport> handshake = new CompletableFuture<>();
    final FakeSocket socket = new FakeSocket();

    Attempt(Transport.Listener listener) {
      this.listener = listener;
    }

    /** The handshake succeeds. */
    FakeSocket open() {
      handshake.complete(socket);
      return socket;
    }

    /** The handshake fails. */
    void fail(String why) {
      handshake.completeExceptionally(new SwitchboardException(why, 0, 0));
    }

    /** The server sends {@code text}. */
    void receive(String text) {
      listener.onText(socket, text);
    }

    void receive(ByteBuffer data) {
      listener.onBinary(socket, data);
    }

    /** The WebSocket implementation reports an error on the connection. */
    void error(Throwable cause) {
      listener.onError(socket, cause);
    }

    /** The connection ends with {@code code}. */
    void closeFromServer(int code, String reason) {
      listener.onClose(socket, code, reason);
    }
  }

  /**
   * A connection: what was sent on it and the code and reason the client closed it with, if it did.
   */
  static final class FakeSocket implements Transport {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<byte[]> sentBinary = new CopyOnWriteArrayList<>();
    volatile String closedWith;

    @Override
    public void sendText(String text) {
      sent.add(text);
    }

    @Override
    public void sendBinary(byte[] bytes) {
      sentBinary.add(bytes);
    }

    @Override
    public void close(int code, String reason) {
      closedWith = code + " " + reason;
    }
  }
}
