package dev.switchboard.client;

import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandEncoder;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.ServerMessageDecoder;
import dev.switchboard.protocol.TraceContext;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The client on the Jakarta WebSocket client API (named by that backend, like the brokers): the
 * public API over its parts. All state lives on one "state" thread ({@link Scheduler}): public
 * methods and transport events hand their work to it, so nothing needs a lock. The {@link
 * Connection} runs the lifecycle, {@link Requests} tracks replies and held publishes, {@link
 * Subscriptions} renews and feeds subscriptions, a {@link Transport} carries the frames. User
 * callbacks run on a second, "callback" thread, in order ({@link Callbacks}).
 */
final class JakartaSwitchboardClient implements SwitchboardClient, Connection.Handler {
  private static final System.Logger LOG =
      System.getLogger(JakartaSwitchboardClient.class.getName());
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  /** A close frame's payload is at most 125 bytes, two of which hold the code (RFC 6455 5.5). */
  private static final int MAX_REASON_BYTES = 123;

  private final ServerMessageDecoder decoder = new ServerMessageDecoder();
  private final ThreadScheduler state;
  private final ExecutorService callbackThread;
  private final Callbacks callbacks;
  private final Requests requests;
  private final Connection connection;
  private final Subscriptions subscriptions;

  /**
   * Answers of rpc calls by command id, from the reply's arrival until the call's future takes it.
   * Thread-safe map.
   */
  private final Map<Long, Payload> rpcAnswers = new ConcurrentHashMap<>();

  JakartaSwitchboardClient(Options o) {
    this(o, JakartaTransport.connector(o));
  }

  /** A client on {@code connector}'s connections: tests hand it an in-memory one. */
  JakartaSwitchboardClient(Options o, Transport.Connector connector) {
    int n = CLIENTS.incrementAndGet();
    this.state = new ThreadScheduler("switchboard-client-" + n);
    this.callbackThread =
        Executors.newSingleThreadExecutor(
            r -> ThreadScheduler.daemon(r, "switchboard-client-" + n + "-callbacks"));
    this.callbacks = new Callbacks(callbackThread);
    this.requests = new Requests(state, o.requestTimeout(), o.maxPendingPublishes());
    Backoff backoff = Backoff.jittered(o.backoffInitial(), o.backoffMax());
    this.connection =
        new Connection(
            o, new Connection.Parts(state, connector, backoff, requests, callbacks), this);
    this.subscriptions =
        new Subscriptions(
            state,
            callbacks,
            o.traces(),
            o.serverSubscriptions(),
            new Subscriptions.Link() {
              @Override
              public boolean connected() {
                return connection.connected();
              }

              @Override
              public CompletableFuture<ServerMessage.Ok> request(LongFunction<Command> command) {
                return connection.request(command);
              }
            });
  }

  /** Whether a close with {@code code} ends the client instead of being followed by a reconnect. */
  static boolean isFinal(int code) {
    return CloseCode.isFinal(code);
  }

  // ---- public API: each call hops onto the state thread -------------------------------------

  @Override
  public CompletableFuture<Void> connect() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    state.execute(() -> connection.connect(f));
    return callbacks.deliver(f);
  }

  @Override
  public Subscription subscribe(String channel, SubscriptionListener listener) {
    return subscribe(channel, 0, "", listener);
  }

  @Override
  public Subscription subscribe(
      String channel, long offset, String epoch, SubscriptionListener listener) {
    if (!ChannelName.isValid(channel) && !ChannelName.isPattern(channel)) {
      throw new IllegalArgumentException(ChannelName.problem(channel));
    }
    return subscriptions.add(channel, offset, epoch, listener);
  }

  @Override
  public CompletableFuture<Reply> publish(String channel, String json) {
    checkChannel(channel);
    CommandEncoder.checkJsonValue(json);
    return publish(id -> new Command.Publish(id, channel, new Payload.Json(json)));
  }

  @Override
  public CompletableFuture<Reply> publish(String channel, String json, TraceContext trace) {
    checkChannel(channel);
    CommandEncoder.checkJsonValue(json);
    Objects.requireNonNull(trace, "trace");
    return publish(id -> new Command.Publish(id, channel, new Payload.Json(json), null, trace));
  }

  @Override
  public CompletableFuture<Reply> publishBinary(String channel, byte[] data) {
    checkChannel(channel);
    Payload.Binary payload = new Payload.Binary(data.clone());
    return publish(id -> new Command.Publish(id, channel, payload));
  }

  @Override
  public CompletableFuture<History> history(String channel, int limit) {
    checkChannel(channel);
    if (limit < 0) {
      throw new IllegalArgumentException("a history limit is 0 or more, not " + limit);
    }
    return request(id -> new Command.History(id, channel, null, limit, false))
        .thenApply(ok -> history(channel, ok));
  }

  @Override
  public CompletableFuture<Presence> presence(String channel) {
    checkChannel(channel);
    return request(id -> new Command.Presence(id, channel))
        .thenApply(
            ok ->
                new Presence(
                    ok.clients() == null
                        ? List.of()
                        : ok.clients().stream().map(Member::of).toList()));
  }

  @Override
  public CompletableFuture<Payload> rpc(String method, String json) {
    if (method.isEmpty() || method.length() > Command.Rpc.MAX_METHOD) {
      throw new IllegalArgumentException(
          "an rpc method has 1 to " + Command.Rpc.MAX_METHOD + " characters");
    }
    CommandEncoder.checkJsonValue(json);
    // the id is taken on the state thread; the answer is read on the completing thread
    AtomicLong sent = new AtomicLong(Command.NO_ID);
    return request(
            id -> {
              sent.set(id);
              return new Command.Rpc(id, method, new Payload.Json(json));
            })
        .handle(
            (ok, e) -> {
              Payload answer = rpcAnswers.remove(sent.get());
              if (e != null) {
                throw e instanceof CompletionException c ? c : new CompletionException(e);
              }
              // a server too old for rpc would not answer ok; an ok without result is JSON null
              return answer == null ? new Payload.Json("null") : answer;
            });
  }

  /** A plain read of a volatile field: no lock, no wait, callable from a listener. */
  @Override
  public ConnectionState state() {
    return connection.state();
  }

  @Override
  public void close() {
    close(1000, "bye", "closed by the client");
  }

  @Override
  public void close(int code, String reason) {
    if (code != 1000 && code != 1001 && (code < 3000 || code > 4999)) {
      throw new IllegalArgumentException(
          "a client closes with 1000, 1001 or 3000-4999, not " + code);
    }
    if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      throw new IllegalArgumentException(
          "a close reason has at most " + MAX_REASON_BYTES + " bytes in UTF-8: " + reason);
    }
    close(code, reason, reason);
  }

  private void close(int code, String sent, String told) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      state.execute(
          () -> {
            connection.close(code, sent, told);
            done.complete(null);
          });
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.DEBUG, () -> "close: " + e);
    } finally {
      state.shutdown();
      callbackThread.shutdown();
    }
  }

  // ---- requests (state thread) -----------------------------------------------------------------

  /** Sends the publish now, or holds it until connected; its id is taken on the state thread. */
  private CompletableFuture<Reply> publish(LongFunction<Command.Publish> command) {
    CompletableFuture<ServerMessage.Ok> f = new CompletableFuture<>();
    state.execute(
        () -> {
          long id = requests.nextId();
          Command.Publish p = command.apply(id);
          String text = p.payload() instanceof Payload.Json ? CommandEncoder.encode(p) : null;
          byte[] envelope = text == null ? toArray(CommandEncoder.encodeBinary(p)) : null;
          if (connection.connected()) {
            sendTracked(id, text, envelope, f);
          } else if (connection.over()) {
            f.completeExceptionally(SwitchboardException.of("the client is closed"));
          } else {
            requests.hold(id, text, envelope, f);
          }
        });
    return callbacks.deliver(f).thenApply(JakartaSwitchboardClient::reply);
  }

  private void sendTracked(
      long id,
      @Nullable String text,
      byte @Nullable [] binary,
      CompletableFuture<ServerMessage.Ok> f) {
    if (text != null) {
      connection.send(text);
    } else {
      connection.sendBinary(Objects.requireNonNull(binary, "a frame is text or binary"));
    }
    requests.track(id).whenComplete((r, e) -> complete(f, r, e));
  }

  private CompletableFuture<ServerMessage.Ok> request(LongFunction<Command> command) {
    CompletableFuture<ServerMessage.Ok> f = new CompletableFuture<>();
    state.execute(
        () -> {
          if (!connection.connected()) {
            f.completeExceptionally(SwitchboardException.of("not connected"));
            return;
          }
          connection.request(command).whenComplete((r, e) -> complete(f, r, e));
        });
    return callbacks.deliver(f);
  }

  private static void complete(
      CompletableFuture<ServerMessage.Ok> f, ServerMessage.Ok r, Throwable e) {
    if (e == null) {
      f.complete(r);
    } else {
      f.completeExceptionally(e);
    }
  }

  /** A channel a command can name: not a pattern, within the channel syntax. */
  private static void checkChannel(String channel) {
    String problem = ChannelName.problem(channel);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  // ---- the connection's turns (state thread)
  // -----------------------------------------------------

  @Override
  public void connected() {
    subscriptions.renewAll();
    requests.release(h -> sendTracked(h.id(), h.text(), h.binary(), h.future()));
  }

  @Override
  public void ended(SwitchboardException e) {
    requests.failHeld(e);
  }

  @Override
  public void text(String text) {
    received(decoder.decode(text));
  }

  @Override
  public void binary(ByteBuffer data) {
    received(decoder.decodeBinary(data));
  }

  private void received(ServerMessage m) {
    // Java 17 has no pattern switch: one instanceof per kind of the sealed ServerMessage.
    if (m instanceof ServerMessage.Ok ok) {
      requests.answer(ok);
    } else if (m instanceof ServerMessage.RpcResult r) {
      rpcAnswers.put(r.id(), r.data()); // taken by the call once the reply completes it
      requests.answer(ServerMessage.Ok.of(r.id()));
    } else if (m instanceof ServerMessage.ErrorReply e) {
      if (e.id() == Command.NO_ID) {
        LOG.log(Level.WARNING, () -> "server error " + e.code() + ": " + e.message());
      } else {
        requests.answer(e);
      }
    } else if (m instanceof ServerMessage.Publication p) {
      subscriptions.onPublication(p);
    } else if (m instanceof ServerMessage.Join j) {
      subscriptions.onJoin(j);
    } else if (m instanceof ServerMessage.Leave l) {
      subscriptions.onLeave(l);
    } else if (m instanceof ServerMessage.Unsubscribed u) {
      subscriptions.onUnsubscribed(u);
    } else if (m instanceof ServerMessage.Subscribed s) {
      subscriptions.onServerSubscribed(s);
    } else if (m instanceof ServerMessage.Unknown u) {
      LOG.log(
          Level.WARNING,
          () -> "unreadable frame from the server, " + u.problem() + ": " + u.text());
    }
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static Reply reply(ServerMessage.Ok ok) {
    ServerMessage.Position p = ok.position();
    return p == null ? new Reply(0, "") : new Reply(p.offset(), p.epoch());
  }

  private static History history(String channel, ServerMessage.Ok ok) {
    ServerMessage.Position p = ok.position();
    String epoch = p == null ? "" : p.epoch();
    List<Message> publications =
        ok.publications() == null
            ? List.of()
            : ok.publications().stream()
                .map(e -> Subscriptions.message(channel, e.offset(), epoch, e.payload()))
                .toList();
    return new History(publications, p == null ? 0 : p.offset(), epoch);
  }
}
