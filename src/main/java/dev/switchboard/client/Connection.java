package dev.switchboard.client;

import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.ServerMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The connection's state machine: CONNECTING, then CONNECTED once the handshake and the token's
 * {@code connect} are answered; a lost connection is RECONNECTING after a {@link Backoff} delay
 * (after 1012, service restart, a short random jitter instead), unless its close code is final;
 * CLOSED is the end (closed, refused, or a final close code). Before the first connect, and after a
 * first handshake that failed, it is IDLE.
 *
 * <p>Threading: every method runs on the client's state thread ({@link Scheduler}); the transport's
 * events are moved onto it here. Listener calls go through {@link Callbacks}.
 */
final class Connection {
  /** What the rest of the client does at the machine's turns; called on the state thread. */
  interface Handler {
    /** CONNECTED, the listener told and the first connect completed: renew and send what waits. */
    void connected();

    /** A text message of the current connection. */
    void text(String text);

    /** A binary message of the current connection. */
    void binary(ByteBuffer data);

    /** CLOSED for good: whatever still waits fails with {@code e}. */
    void ended(SwitchboardException e);
  }

  /** The collaborators, all confined to (or posting from) the state thread. */
  record Parts(
      Scheduler state,
      Transport.Connector connector,
      Backoff backoff,
      Requests requests,
      Callbacks callbacks) {}

  private final Options o;
  private final Scheduler state;
  private final Transport.Connector connector;
  private final Backoff backoff;
  private final Requests requests;
  private final Callbacks callbacks;
  private final Handler handler;
  private final Transport.Listener events =
      new Transport.Listener() {
        @Override
        public void onText(Transport t, String text) {
          on(t, () -> handler.text(text));
        }

        @Override
        public void onBinary(Transport t, ByteBuffer data) {
          on(t, () -> handler.binary(data));
        }

        @Override
        public void onClose(Transport t, int code, String reason) {
          on(t, () -> closed(code, reason));
        }

        @Override
        public void onError(Transport t, Throwable cause) {
          on(t, () -> callbacks.post(() -> o.listener().onFailure(cause)));
        }
      };

  /** Written on the state thread only; volatile so that {@link #state()} reads it anywhere. */
  private volatile ConnectionState current = ConnectionState.IDLE;

  // Everything below is confined to the state thread.
  private @Nullable Transport session;
  private boolean everConnected;
  private boolean closing;
  private @Nullable CompletableFuture<Void> firstConnect;

  private final EarlyEvents early = new EarlyEvents();

  Connection(Options options, Parts parts, Handler handler) {
    this.o = options;
    this.state = parts.state();
    this.connector = parts.connector();
    this.backoff = parts.backoff();
    this.requests = parts.requests();
    this.callbacks = parts.callbacks();
    this.handler = handler;
  }

  /** Any thread: a plain read, no lock and no wait. */
  ConnectionState state() {
    return current;
  }

  boolean connected() {
    return current == ConnectionState.CONNECTED;
  }

  /** Closed by the application or after having been connected: nothing will be sent any more. */
  boolean over() {
    return current == ConnectionState.CLOSED && (closing || everConnected);
  }

  /** Starts the first connect; {@code f} completes when it is answered, within a bound. */
  void connect(CompletableFuture<Void> f) {
    if (!notOpened() || closing) {
      f.completeExceptionally(SwitchboardException.of("connect() was already called"));
      return;
    }
    firstConnect = f;
    open();
    // A backstop whatever the WebSocket implementation honours: the handshake gets
    // connectTimeout and the connect reply requestTimeout, so connect() never waits longer.
    long bound = o.connectTimeout().toMillis() + o.requestTimeout().toMillis();
    Scheduler.Cancellable guard = state.schedule(() -> giveUp(f, bound), Duration.ofMillis(bound));
    // Cancelled once answered, so a closed client's thread does not linger until it fires.
    f.whenComplete((v, e) -> guard.cancel());
  }

  /**
   * The application closes the client: no more reconnects. The server gets {@code code} and {@code
   * sent}; the listener hears {@code code} and {@code told}.
   */
  void close(int code, String sent, String told) {
    closing = true;
    Transport s = session;
    session = null;
    finish(code, told);
    if (s != null) {
      s.close(code, sent);
    }
  }

  void send(String text) {
    Transport s = session;
    if (s != null) {
      s.sendText(text);
    }
  }

  void sendBinary(byte[] bytes) {
    Transport s = session;
    if (s != null) {
      s.sendBinary(bytes);
    }
  }

  /**
   * Sends the command {@code command} builds for a fresh id; completes with the success reply, or
   * fails with the error reply's code.
   */
  CompletableFuture<ServerMessage.Ok> request(LongFunction<Command> command) {
    long id = requests.nextId();
    send(CommandEncoder.encode(command.apply(id)));
    return requests.track(id);
  }

  /** The first connect is still unanswered after its bound: it fails and the client ends. */
  private void giveUp(CompletableFuture<Void> f, long bound) {
    if (firstConnect != f) {
      return;
    }
    closing = true; // a handshake that still succeeds later is closed in opened()
    Transport s = session;
    session = null;
    if (s != null) {
      s.close(1000, "connect timed out");
    }
    finish(
        1006,
        "connect timed out",
        SwitchboardException.of(
            "cannot connect to " + o.uri() + ": no answer within " + bound + " ms"));
  }

  /** Runs a transport's event on the state thread if it is the current one, else keeps it. */
  private void on(Transport t, Runnable event) {
    state.execute(
        () -> {
          if (t == session) {
            event.run();
          } else {
            early.keep(t, event);
          }
        });
  }

  private void open() {
    early.opening();
    current = ConnectionState.CONNECTING;
    callbacks.post(() -> o.listener().onConnecting());
    connector.open(events).whenComplete((s, failure) -> state.execute(() -> opened(s, failure)));
  }

  private void opened(Transport s, Throwable failure) {
    List<Runnable> held = early.end(failure == null ? s : null);
    if (closing) {
      if (s != null) {
        s.close(1000, "bye");
      }
      return;
    }
    if (failure != null) {
      Throwable cause =
          failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
      String message = JakartaTransport.rootMessage(cause);
      callbacks.post(() -> o.listener().onFailure(cause));
      if (!everConnected) {
        current = ConnectionState.IDLE;
        failFirst(
            new SwitchboardException(
                message.startsWith("cannot connect")
                    ? message
                    : "cannot connect to " + o.uri() + ": " + message,
                0,
                0,
                cause));
        return;
      }
      scheduleReconnect(1006, message);
      return;
    }
    session = s;
    Supplier<String> token = o.token();
    if (token == null) {
      becameConnected();
    } else {
      authenticate(s, token);
    }
    for (Runnable e : held) {
      if (s == session) { // not after a kept close
        e.run();
      }
    }
  }

  /** Sends the token's {@code connect}; its reply makes the connection CONNECTED. */
  private void authenticate(Transport s, Supplier<String> tokens) {
    String token;
    try {
      token = tokens.get();
    } catch (RuntimeException e) {
      refused(
          s,
          SwitchboardException.of("the token supplier failed: " + JakartaTransport.rootMessage(e)));
      return;
    }
    // A null token is sent as JSON null, so the server's own answer (error 103) explains it.
    // Replies, timeouts and closes all complete this on the state thread, so no hop is needed;
    // a hop would let the close that follows a refusal overtake the refusal's own message.
    request(id -> new Command.Connect(id, token)).whenComplete((r, e) -> authenticated(s, e));
  }

  private void authenticated(Transport s, Throwable e) {
    if (s != session) {
      return; // the connection closed first: closed() has dealt with it
    }
    if (e == null) {
      becameConnected();
    } else if (e instanceof SwitchboardException se && se.errorCode() != 0) {
      refused(s, se);
    } else {
      // No reply in time: the server may still accept later; do not wait on it.
      session = null;
      s.close(1000, "no reply to connect");
      if (!everConnected) {
        finish(
            1006,
            "no reply to connect",
            SwitchboardException.of(
                "no reply to connect within " + o.requestTimeout().toMillis() + " ms"));
      } else {
        scheduleReconnect(1006, "no reply to connect");
      }
    }
  }

  /**
   * The server answered {@code connect} with an error (or the token could not be had). Some
   * refusals leave the socket open (a malformed token field), so the client closes it; a refused
   * token will not get better by retrying, so this ends the client like a final close code.
   */
  private void refused(Transport s, SwitchboardException e) {
    session = null;
    // Before any I/O: the caller learns why whatever the close does.
    finish(1000, "connect refused: " + e.getMessage(), e);
    s.close(1000, "connect refused");
  }

  private void becameConnected() {
    current = ConnectionState.CONNECTED;
    backoff.reset();
    everConnected = true;
    callbacks.post(() -> o.listener().onConnected());
    if (firstConnect != null) {
      CompletableFuture<Void> f = firstConnect;
      firstConnect = null;
      f.complete(null);
    }
    handler.connected();
  }

  private void closed(int code, String reason) {
    session = null;
    requests.failSent(
        new SwitchboardException(
            "connection closed (" + code + " " + reason + ") before the reply", 0, code));
    callbacks.post(() -> o.listener().onDisconnected(code, reason));
    if (closing) {
      return;
    }
    if (!everConnected) {
      finish(
          code,
          reason,
          new SwitchboardException(
              "connection refused by the server: " + code + " " + reason, 0, code));
      return;
    }
    if (JakartaSwitchboardClient.isFinal(code)) {
      finish(code, reason);
      return;
    }
    scheduleReconnect(code, reason);
  }

  private void scheduleReconnect(int code, String reason) {
    current = ConnectionState.RECONNECTING;
    Duration delay =
        code == CloseCode.SERVICE_RESTART.code()
            ? backoff.restart(o.restartJitter())
            : backoff.next();
    int n = backoff.attempt();
    callbacks.post(() -> o.listener().onReconnecting(n, delay));
    state.schedule(
        () -> {
          if (!closing) {
            open();
          }
        },
        delay);
  }

  /** The end: no more reconnects; everything waiting fails. */
  private void finish(int code, String reason) {
    finish(code, reason, null);
  }

  /**
   * The end, with the reason a first connect still waiting fails with ({@code null}: the end's
   * own). The state is CLOSED before anything is told, so a caller who learns of the end from a
   * future or a listener reads CLOSED from {@link #state()}.
   */
  private void finish(int code, String reason, @Nullable SwitchboardException firstFailure) {
    boolean wasClosed = notOpened() && !everConnected && firstConnect == null;
    current = ConnectionState.CLOSED;
    SwitchboardException e =
        new SwitchboardException("client closed (" + code + " " + reason + ")", 0, code);
    failFirst(firstFailure != null ? firstFailure : e);
    requests.failSent(e);
    handler.ended(e);
    if (!wasClosed) {
      callbacks.post(() -> o.listener().onClosed(code, reason));
    }
  }

  /** IDLE, or CLOSED: no connection, none being made, none scheduled. */
  private boolean notOpened() {
    return current == ConnectionState.IDLE || current == ConnectionState.CLOSED;
  }

  private void failFirst(SwitchboardException e) {
    if (firstConnect != null) {
      CompletableFuture<Void> f = firstConnect;
      firstConnect = null;
      f.completeExceptionally(e);
    }
  }
}
