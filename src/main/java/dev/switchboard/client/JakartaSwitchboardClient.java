package dev.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Frames;
import dev.switchboard.protocol.ProtocolException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  /** A close frame's payload is at most 125 bytes, two of which hold the code (RFC 6455 5.5). */
  private static final int MAX_REASON_BYTES = 123;

  private final ThreadScheduler state;
  private final ExecutorService callbackThread;
  private final Callbacks callbacks;
  private final Requests requests;
  private final Connection connection;
  private final Subscriptions subscriptions;

  JakartaSwitchboardClient(Options o) {
    int n = CLIENTS.incrementAndGet();
    this.state = new ThreadScheduler("switchboard-client-" + n);
    this.callbackThread =
        Executors.newSingleThreadExecutor(
            r -> ThreadScheduler.daemon(r, "switchboard-client-" + n + "-callbacks"));
    this.callbacks = new Callbacks(callbackThread);
    this.requests = new Requests(state, o.requestTimeout(), o.maxPendingPublishes());
    Transport.Connector connector = JakartaTransport.connector(o);
    Backoff backoff = Backoff.jittered(o.backoffInitial(), o.backoffMax());
    this.connection =
        new Connection(
            o, new Connection.Parts(state, connector, backoff, requests, callbacks), this);
    this.subscriptions =
        new Subscriptions(
            state,
            callbacks,
            new Subscriptions.Link() {
              @Override
              public boolean connected() {
                return connection.connected();
              }

              @Override
              public CompletableFuture<JsonNode> request(
                  java.util.function.LongFunction<String> frame) {
                return connection.request(frame);
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
    return publishFrame(channel, json, null).thenApply(JakartaSwitchboardClient::reply);
  }

  @Override
  public CompletableFuture<Reply> publishBinary(String channel, byte[] data) {
    return publishFrame(channel, null, data.clone()).thenApply(JakartaSwitchboardClient::reply);
  }

  @Override
  public CompletableFuture<String> history(String channel, int limit) {
    return request(
            "\"op\":\"history\",\"channel\":" + Frames.quote(channel) + ",\"limit\":" + limit)
        .thenApply(JsonNode::toString);
  }

  @Override
  public CompletableFuture<String> presence(String channel) {
    return request("\"op\":\"presence\",\"channel\":" + Frames.quote(channel))
        .thenApply(JsonNode::toString);
  }

  @Override
  public ConnectionState state() {
    CompletableFuture<ConnectionState> f = new CompletableFuture<>();
    try {
      state.execute(() -> f.complete(connection.state()));
      return f.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return ConnectionState.CLOSED;
    }
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

  private CompletableFuture<JsonNode> publishFrame(
      String channel, @Nullable String json, byte @Nullable [] binary) {
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    state.execute(
        () -> {
          long id = requests.nextId();
          String text =
              json == null
                  ? null
                  : "{\"id\":"
                      + id
                      + ",\"op\":\"publish\",\"channel\":"
                      + Frames.quote(channel)
                      + ",\"data\":"
                      + json
                      + "}";
          byte[] envelope =
              binary == null ? null : toArray(BinaryEnvelope.encodePublish(id, channel, binary));
          if (connection.connected()) {
            sendTracked(id, text, envelope, f);
          } else if (connection.over()) {
            f.completeExceptionally(SwitchboardException.of("the client is closed"));
          } else {
            requests.hold(id, text, envelope, f);
          }
        });
    return callbacks.deliver(f);
  }

  private void sendTracked(
      long id, @Nullable String text, byte @Nullable [] binary, CompletableFuture<JsonNode> f) {
    if (text != null) {
      connection.send(text);
    } else {
      connection.sendBinary(Objects.requireNonNull(binary, "a frame is text or binary"));
    }
    requests.track(id).whenComplete((r, e) -> complete(f, r, e));
  }

  private CompletableFuture<JsonNode> request(String fields) {
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    state.execute(
        () -> {
          if (!connection.connected()) {
            f.completeExceptionally(SwitchboardException.of("not connected"));
            return;
          }
          connection
              .request(id -> "{\"id\":" + id + "," + fields + "}")
              .whenComplete((r, e) -> complete(f, r, e));
        });
    return callbacks.deliver(f);
  }

  private static void complete(CompletableFuture<JsonNode> f, JsonNode r, Throwable e) {
    if (e == null) {
      f.complete(r);
    } else {
      f.completeExceptionally(e);
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
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "unreadable frame from the server: " + text);
      return;
    }
    if (n.has("id")) {
      requests.answer(n.get("id").asLong(), n);
      return;
    }
    String channel = n.path("channel").asText(null);
    if (channel == null) {
      if (n.has("error")) {
        LOG.log(Level.WARNING, "server error: " + n.get("error"));
      }
      return;
    }
    subscriptions.onPush(channel, n);
  }

  @Override
  public void binary(ByteBuffer data) {
    BinaryEnvelope.DecodedPublication p;
    try {
      p = BinaryEnvelope.decodePublication(data);
    } catch (ProtocolException e) {
      LOG.log(Level.WARNING, "unreadable binary frame from the server: " + e.getMessage());
      return;
    }
    subscriptions.onBinary(p.channel(), p.offset(), p.epoch(), p.payload());
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static Reply reply(JsonNode n) {
    return new Reply(n.toString(), n.path("offset").asLong(), n.path("epoch").asText(""));
  }
}
