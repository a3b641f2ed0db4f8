package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Frames;
import dev.switchboard.protocol.ProtocolException;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's machinery. All state lives on one "state" thread: Jakarta callbacks and public
 * methods hand their work to it, so nothing here needs a lock. User callbacks run on a second,
 * "callback" thread, in order.
 *
 * <p>Over 400 lines because connection lifecycle, request bookkeeping and subscription recovery
 * share the same state and thread; split, they would need the locking this design avoids.
 */
final class RealSwitchboardClient implements SwitchboardClient {
  private static final System.Logger LOG = System.getLogger(RealSwitchboardClient.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final SwitchboardClient.Builder o;
  private final ScheduledExecutorService state;
  private final ExecutorService callbacks;
  private final WebSocketContainer container;

  // Everything below is confined to the state thread.
  private ConnectionState current = ConnectionState.CLOSED;
  private Session session;
  private int attempt;
  private boolean everConnected;
  private boolean closing;
  private CompletableFuture<Void> firstConnect;
  private long nextId = 1;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final ArrayDeque<Queued> waiting = new ArrayDeque<>();
  private final Map<String, Sub> subs = new LinkedHashMap<>();

  /** A request sent and waiting for its reply. */
  private record Pending(CompletableFuture<JsonNode> future, ScheduledFuture<?> timeout, Sub subscribe) {}

  /** A publish waiting for a connection. */
  private record Queued(long id, String text, byte[] binary, CompletableFuture<JsonNode> future, ScheduledFuture<?> timeout) {}

  RealSwitchboardClient(SwitchboardClient.Builder options) {
    this.o = options;
    int n = CLIENTS.incrementAndGet();
    this.state = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "switchboard-client-" + n));
    this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "switchboard-client-" + n + "-callbacks"));
    this.container = ContainerProvider.getWebSocketContainer();
    container.setDefaultMaxTextMessageBufferSize(16 << 20);
    container.setDefaultMaxBinaryMessageBufferSize(16 << 20);
    TyrusClientSupport.configure(container, options);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  // ---- public API: each call hops onto the state thread -------------------------------------

  @Override
  public CompletableFuture<Void> connect() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    state.execute(
        () -> {
          if (current != ConnectionState.CLOSED || closing) {
            f.completeExceptionally(SwitchboardException.of("connect() was already called"));
            return;
          }
          firstConnect = f;
          open();
          // A backstop whatever the WebSocket implementation honours: the handshake gets
          // connectTimeout and the connect reply requestTimeout, so connect() never waits longer.
          long bound = o.connectTimeout.toMillis() + o.requestTimeout.toMillis();
          ScheduledFuture<?> guard = state.schedule(() -> giveUp(f, bound), bound, TimeUnit.MILLISECONDS);
          // Cancelled once answered, so a closed client's thread does not linger until it fires.
          f.whenComplete((v, e) -> guard.cancel(false));
        });
    return f.thenApplyAsync(v -> v, callbacks);
  }

  @Override
  public Subscription subscribe(String channel, SubscriptionListener listener) {
    return subscribe(channel, 0, "", listener);
  }

  @Override
  public Subscription subscribe(String channel, long offset, String epoch, SubscriptionListener listener) {
    if (!ChannelName.isValid(channel) && !ChannelName.isPattern(channel)) {
      throw new IllegalArgumentException(ChannelName.problem(channel));
    }
    Sub sub = new Sub(channel, listener);
    sub.offset = offset;
    sub.epoch = epoch == null ? "" : epoch;
    state.execute(
        () -> {
          subs.put(channel, sub);
          if (current == ConnectionState.CONNECTED) {
            sendSubscribe(sub);
          }
        });
    return sub;
  }

  @Override
  public CompletableFuture<Reply> publish(String channel, String json) {
    return publishFrame(channel, json, null).thenApply(RealSwitchboardClient::reply);
  }

  @Override
  public CompletableFuture<Reply> publishBinary(String channel, byte[] data) {
    return publishFrame(channel, null, data.clone()).thenApply(RealSwitchboardClient::reply);
  }

  @Override
  public CompletableFuture<String> history(String channel, int limit) {
    return request("\"op\":\"history\",\"channel\":" + Frames.quote(channel) + ",\"limit\":" + limit).thenApply(JsonNode::toString);
  }

  @Override
  public CompletableFuture<String> presence(String channel) {
    return request("\"op\":\"presence\",\"channel\":" + Frames.quote(channel)).thenApply(JsonNode::toString);
  }

  @Override
  public ConnectionState state() {
    try {
      return state.submit(() -> current).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return ConnectionState.CLOSED;
    }
  }

  @Override
  public void close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      state.execute(
          () -> {
            closing = true;
            Session s = session;
            session = null;
            finish(1000, "closed by the client");
            if (s != null) {
              closeQuietly(s, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            }
            done.complete(null);
          });
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.DEBUG, () -> "close: " + e);
    } finally {
      state.shutdown();
      callbacks.shutdown();
    }
  }

  /** The first connect is still unanswered after its bound: it fails and the client ends. */
  private void giveUp(CompletableFuture<Void> f, long bound) {
    if (firstConnect != f) {
      return;
    }
    closing = true; // a handshake that still succeeds later is closed in opened()
    Session s = session;
    session = null;
    if (s != null) {
      closeQuietly(s, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "connect timed out"));
    }
    failFirst(SwitchboardException.of("cannot connect to " + o.uri + ": no answer within " + bound + " ms"));
    finish(1006, "connect timed out");
  }

  // ---- connection lifecycle (state thread) ------------------------------------------------------

  private void open() {
    current = ConnectionState.CONNECTING;
    callback(() -> o.listener.onConnecting());
    ClientEndpointConfig config = ClientEndpointConfig.Builder.create().preferredSubprotocols(List.of("switchboard.v1")).build();
    Endpoint endpoint = new Endpoint() {
      @Override
      public void onOpen(Session s, EndpointConfig c) {
        s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> state.execute(() -> onText(s, text)));
        s.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) data -> {
          ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
          state.execute(() -> onBinary(s, copy));
        });
      }

      @Override
      public void onClose(Session s, CloseReason r) {
        state.execute(() -> onClosed(s, r.getCloseCode().getCode(), r.getReasonPhrase()));
      }

      @Override
      public void onError(Session s, Throwable t) {
        LOG.log(Level.DEBUG, () -> "client session error: " + t);
      }
    };
    // The Jakarta connect blocks until the handshake is done: not on the state thread.
    CompletableFuture.supplyAsync(
            () -> {
              try {
                return container.connectToServer(endpoint, config, o.uri);
              } catch (Exception e) {
                throw new SwitchboardException("cannot connect to " + o.uri + ": " + rootMessage(e), 0, 0);
              }
            })
        .whenComplete((s, failure) -> state.execute(() -> opened(s, failure)));
  }

  private void opened(Session s, Throwable failure) {
    if (closing) {
      if (s != null) {
        closeQuietly(s, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
      }
      return;
    }
    if (failure != null) {
      String message = failure instanceof java.util.concurrent.CompletionException c ? rootMessage(c.getCause()) : rootMessage(failure);
      if (!everConnected) {
        current = ConnectionState.CLOSED;
        failFirst(SwitchboardException.of(message.startsWith("cannot connect") ? message : "cannot connect to " + o.uri + ": " + message));
        return;
      }
      scheduleReconnect(1006, message);
      return;
    }
    session = s;
    if (o.token == null) {
      connected();
      return;
    }
    String token;
    try {
      token = o.token.get();
    } catch (RuntimeException e) {
      refused(s, SwitchboardException.of("the token supplier failed: " + rootMessage(e)));
      return;
    }
    long id = nextId++;
    // A null token is sent as JSON null, so the server's own answer (error 103) explains it.
    send("{\"id\":" + id + ",\"op\":\"connect\",\"token\":" + (token == null ? "null" : Frames.quote(token)) + "}");
    // Replies, timeouts and closes all complete this on the state thread, so no hop is needed;
    // a hop would let the close that follows a refusal overtake the refusal's own message.
    track(id, null).whenComplete((r, e) -> {
      if (s != session) {
        return; // the connection closed first: onClosed has dealt with it
      }
      if (e == null) {
        connected();
      } else if (e instanceof SwitchboardException se && se.errorCode() != 0) {
        refused(s, se);
      } else {
        // No reply in time: the server may still accept later; do not wait on it.
        session = null;
        closeQuietly(s, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "no reply to connect"));
        if (!everConnected) {
          failFirst(SwitchboardException.of("no reply to connect within " + o.requestTimeout.toMillis() + " ms"));
          finish(1006, "no reply to connect");
        } else {
          scheduleReconnect(1006, "no reply to connect");
        }
      }
    });
  }

  /**
   * The server answered {@code connect} with an error (or the token could not be had). Some
   * refusals leave the socket open (a malformed token field), so the client closes it; a refused
   * token will not get better by retrying, so this ends the client like a final close code.
   */
  private void refused(Session s, SwitchboardException e) {
    session = null;
    failFirst(e); // before any I/O: the caller learns why whatever the close does
    closeQuietly(s, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "connect refused"));
    finish(1000, "connect refused: " + e.getMessage());
  }

  private void connected() {
    current = ConnectionState.CONNECTED;
    attempt = 0;
    everConnected = true;
    callback(() -> o.listener.onConnected());
    if (firstConnect != null) {
      CompletableFuture<Void> f = firstConnect;
      firstConnect = null;
      f.complete(null);
    }
    for (Sub sub : subs.values()) {
      sendSubscribe(sub);
    }
    while (!waiting.isEmpty()) {
      Queued q = waiting.poll();
      q.timeout.cancel(false);
      if (q.text != null) {
        send(q.text);
      } else {
        sendBinary(q.binary);
      }
      track(q.id, null).whenComplete((r, e) -> {
        if (e == null) {
          q.future.complete(r);
        } else {
          q.future.completeExceptionally(e);
        }
      });
    }
  }

  private void onClosed(Session s, int code, String reason) {
    if (s != session) {
      return; // an old session's late event
    }
    session = null;
    failPending(new SwitchboardException("connection closed (" + code + " " + reason + ") before the reply", 0, code));
    callback(() -> o.listener.onDisconnected(code, reason));
    if (closing) {
      return;
    }
    if (CloseCode.isFinal(code) || !everConnected) {
      if (!everConnected) {
        failFirst(new SwitchboardException("connection refused by the server: " + code + " " + reason, 0, code));
      }
      finish(code, reason);
      return;
    }
    scheduleReconnect(code, reason);
  }

  private void scheduleReconnect(int code, String reason) {
    current = ConnectionState.RECONNECTING;
    attempt++;
    long cap = Math.min(o.backoffMax.toMillis(), o.backoffInitial.toMillis() << Math.min(20, attempt - 1));
    Duration delay = Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
    int n = attempt;
    callback(() -> o.listener.onReconnecting(n, delay));
    state.schedule(() -> {
      if (!closing) {
        open();
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The end: no more reconnects; everything waiting fails. */
  private void finish(int code, String reason) {
    boolean wasClosed = current == ConnectionState.CLOSED && !everConnected && firstConnect == null;
    current = ConnectionState.CLOSED;
    SwitchboardException e = new SwitchboardException("client closed (" + code + " " + reason + ")", 0, code);
    failPending(e);
    while (!waiting.isEmpty()) {
      Queued q = waiting.poll();
      q.timeout.cancel(false);
      q.future.completeExceptionally(e);
    }
    failFirst(e);
    if (!wasClosed) {
      callback(() -> o.listener.onClosed(code, reason));
    }
  }

  private void failFirst(SwitchboardException e) {
    if (firstConnect != null) {
      CompletableFuture<Void> f = firstConnect;
      firstConnect = null;
      f.completeExceptionally(e);
    }
  }

  // ---- requests (state thread) -----------------------------------------------------------------

  private CompletableFuture<JsonNode> publishFrame(String channel, String json, byte[] binary) {
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    state.execute(
        () -> {
          long id = nextId++;
          String text = json == null ? null : "{\"id\":" + id + ",\"op\":\"publish\",\"channel\":" + Frames.quote(channel) + ",\"data\":" + json + "}";
          byte[] envelope = binary == null ? null : toArray(BinaryEnvelope.encodePublish(id, channel, binary));
          if (current == ConnectionState.CONNECTED) {
            if (text != null) {
              send(text);
            } else {
              sendBinary(envelope);
            }
            track(id, null).whenComplete((r, e) -> complete(f, r, e));
          } else if (current == ConnectionState.CLOSED && (closing || everConnected)) {
            f.completeExceptionally(SwitchboardException.of("the client is closed"));
          } else if (waiting.size() >= o.maxPendingPublishes) {
            f.completeExceptionally(SwitchboardException.of("not connected and " + o.maxPendingPublishes + " publishes already wait"));
          } else {
            Queued[] self = new Queued[1];
            ScheduledFuture<?> timeout = state.schedule(() -> {
              if (waiting.remove(self[0])) {
                f.completeExceptionally(SwitchboardException.of("not connected: publish timed out after " + o.requestTimeout.toMillis() + " ms"));
              }
            }, o.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            self[0] = new Queued(id, text, envelope, f, timeout);
            waiting.add(self[0]);
          }
        });
    return f.thenApplyAsync(r -> r, callbacks);
  }

  private CompletableFuture<JsonNode> request(String fields) {
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    state.execute(() -> {
      if (current != ConnectionState.CONNECTED) {
        f.completeExceptionally(SwitchboardException.of("not connected"));
        return;
      }
      long id = nextId++;
      send("{\"id\":" + id + "," + fields + "}");
      track(id, null).whenComplete((r, e) -> complete(f, r, e));
    });
    return f.thenApplyAsync(r -> r, callbacks);
  }

  private static void complete(CompletableFuture<JsonNode> f, JsonNode r, Throwable e) {
    if (e == null) {
      f.complete(r);
    } else {
      f.completeExceptionally(e);
    }
  }

  /** Registers a request sent with {@code id}; it fails after the request timeout. */
  private CompletableFuture<JsonNode> track(long id, Sub subscribe) {
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    ScheduledFuture<?> timeout = state.schedule(() -> {
      Pending p = pending.remove(id);
      if (p != null) {
        p.future.completeExceptionally(SwitchboardException.of("no reply within " + o.requestTimeout.toMillis() + " ms"));
      }
    }, o.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    pending.put(id, new Pending(f, timeout, subscribe));
    return f;
  }

  private void failPending(SwitchboardException e) {
    for (Pending p : pending.values()) {
      p.timeout.cancel(false);
      p.future.completeExceptionally(e);
    }
    pending.clear();
  }

  private void sendSubscribe(Sub sub) {
    long id = nextId++;
    String since = sub.offset > 0 || !sub.epoch.isEmpty()
        ? ",\"since\":{\"offset\":" + sub.offset + ",\"epoch\":" + Frames.quote(sub.epoch) + "}"
        : "";
    send("{\"id\":" + id + ",\"op\":\"subscribe\",\"channel\":" + Frames.quote(sub.channel) + (sub.pattern ? "" : since) + "}");
    track(id, sub).whenComplete((r, e) -> state.execute(() -> subscribed(sub, r, e)));
  }

  private void subscribed(Sub sub, JsonNode reply, Throwable e) {
    if (sub.ended) {
      return; // ended by a push handled before this reply's continuation ran
    }
    if (e != null) {
      if (e instanceof SwitchboardException se && se.errorCode() != 0) {
        sub.ended = true;
        subs.remove(sub.channel, sub);
        callback(() -> sub.listener.onError(se));
      }
      return; // a broken connection: resubscribed after the reconnect
    }
    boolean recovered = !reply.has("recovered") || reply.get("recovered").asBoolean();
    String reason = reply.path("reason").asText(null);
    if (reply.has("epoch") && (!recovered || sub.epoch.isEmpty())) {
      sub.offset = reply.path("offset").asLong();
      sub.epoch = reply.path("epoch").asText();
    }
    callback(() -> sub.listener.onSubscribed(recovered, reason));
  }

  // ---- incoming (state thread) -------------------------------------------------------------------

  private void onText(Session s, String text) {
    if (s != session) {
      return;
    }
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "unreadable frame from the server: " + text);
      return;
    }
    if (n.has("id")) {
      Pending p = pending.remove(n.get("id").asLong());
      if (p != null) {
        p.timeout.cancel(false);
        if (n.path("ok").asBoolean()) {
          p.future.complete(n);
        } else {
          JsonNode err = n.path("error");
          p.future.completeExceptionally(new SwitchboardException(err.path("message").asText("error"), err.path("code").asInt(), 0));
        }
      }
      return;
    }
    String channel = n.path("channel").asText(null);
    if (channel == null) {
      if (n.has("error")) {
        LOG.log(Level.WARNING, "server error: " + n.get("error"));
      }
      return;
    }
    if (n.has("unsubscribe")) {
      ended(channel, n.get("unsubscribe"));
      return;
    }
    for (Sub sub : subsFor(channel)) {
      if (n.has("data")) {
        long offset = n.path("offset").asLong();
        String epoch = n.path("epoch").asText("");
        sub.delivered(offset, epoch);
        Message m = new Message(channel, offset, epoch, n.get("data").toString(), null);
        callback(() -> sub.listener.onMessage(m));
      } else if (n.has("join")) {
        String who = n.get("join").toString();
        callback(() -> sub.listener.onJoin(who));
      } else if (n.has("leave")) {
        String who = n.get("leave").toString();
        callback(() -> sub.listener.onLeave(who));
      }
    }
  }

  /** The server ended the subscription to {@code channel}: a channel or a pattern, never matched. */
  private void ended(String channel, JsonNode reason) {
    Sub sub = subs.remove(channel);
    if (sub == null) {
      return;
    }
    sub.ended = true;
    SwitchboardException e = new SwitchboardException(reason.path("message").asText("unsubscribed"), reason.path("code").asInt(), 0);
    callback(() -> sub.listener.onUnsubscribed(e));
  }

  private void onBinary(Session s, ByteBuffer data) {
    if (s != session) {
      return;
    }
    BinaryEnvelope.DecodedPublication p;
    try {
      p = BinaryEnvelope.decodePublication(data);
    } catch (ProtocolException e) {
      LOG.log(Level.WARNING, "unreadable binary frame from the server: " + e.getMessage());
      return;
    }
    for (Sub sub : subsFor(p.channel())) {
      sub.delivered(p.offset(), p.epoch());
      Message m = new Message(p.channel(), p.offset(), p.epoch(), null, p.payload());
      callback(() -> sub.listener.onMessage(m));
    }
  }

  /** The subscription of the channel itself and every pattern that matches it. */
  private List<Sub> subsFor(String channel) {
    java.util.ArrayList<Sub> out = new java.util.ArrayList<>(1);
    Sub exact = subs.get(channel);
    if (exact != null) {
      out.add(exact);
    }
    for (Sub sub : subs.values()) {
      if (sub.pattern && channel.startsWith(ChannelName.patternPrefix(sub.channel))) {
        out.add(sub);
      }
    }
    return out;
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private void send(String text) {
    Session s = session;
    if (s != null) {
      s.getAsyncRemote().sendText(text, r -> {
        if (!r.isOK()) {
          LOG.log(Level.DEBUG, () -> "send failed: " + r.getException());
        }
      });
    }
  }

  private void sendBinary(byte[] bytes) {
    Session s = session;
    if (s != null) {
      s.getAsyncRemote().sendBinary(ByteBuffer.wrap(bytes), r -> {});
    }
  }

  private void callback(Runnable r) {
    try {
      callbacks.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "a Switchboard client listener threw", e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  /**
   * Closes {@code s}, whatever state it is in. Tyrus throws IllegalStateException when the peer's
   * close already arrived; escaping from a completion callback, that exception was swallowed and
   * the rest of the callback (failing connect()) never ran.
   */
  private static void closeQuietly(Session s, CloseReason reason) {
    try {
      s.close(reason);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "close of a session that is already closing: " + e);
    }
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static Reply reply(JsonNode n) {
    return new Reply(n.toString(), n.path("offset").asLong(), n.path("epoch").asText(""));
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  /** A subscription; its position is written on the state thread and read anywhere. */
  private final class Sub implements Subscription {
    final String channel;
    final boolean pattern;
    final SubscriptionListener listener;
    volatile long offset;
    volatile String epoch = "";
    /** Set on the state thread once unsubscribed, refused or ended by the server. */
    volatile boolean ended;

    Sub(String channel, SubscriptionListener listener) {
      this.channel = channel;
      this.pattern = ChannelName.isPattern(channel);
      this.listener = listener;
    }

    void delivered(long offset, String epoch) {
      if (!pattern && offset > 0) {
        this.offset = offset;
        this.epoch = epoch;
      }
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public long offset() {
      return offset;
    }

    @Override
    public String epoch() {
      return epoch;
    }

    @Override
    public boolean ended() {
      return ended;
    }

    @Override
    public CompletableFuture<Void> unsubscribe() {
      CompletableFuture<Void> f = new CompletableFuture<>();
      state.execute(() -> {
        boolean alreadyEnded = ended; // by the server or a refusal: nothing to tell it
        ended = true;
        subs.remove(channel, this);
        if (current != ConnectionState.CONNECTED || alreadyEnded) {
          f.complete(null);
          return;
        }
        long id = nextId++;
        send("{\"id\":" + id + ",\"op\":\"unsubscribe\",\"channel\":" + Frames.quote(channel) + "}");
        track(id, null).whenComplete((r, e) -> complete(f, e));
      });
      return f.thenApplyAsync(v -> v, callbacks);
    }

    private void complete(CompletableFuture<Void> f, Throwable e) {
      if (e == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(e);
      }
    }
  }
}
