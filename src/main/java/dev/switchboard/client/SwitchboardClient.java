package dev.switchboard.client;

import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.TraceContext;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A client of a Switchboard hub: connects, subscribes, publishes, and keeps it so across broken
 * connections.
 *
 * <p>Lifecycle: a client is built {@link ConnectionState#IDLE}; {@link #connect()} opens the
 * connection (a failed handshake leaves it IDLE); after a connection was established, any loss is
 * followed by reconnects with exponential backoff and full jitter (up to {@link Builder#backoff}),
 * or, after a close with 1012 (service restart), at once after a random {@link
 * Builder#restartJitter}, every subscription is renewed and recovers from the last position it saw
 * (its listener hears {@code recovered:false} when that was impossible). A final close code
 * (4500–4999, or 1002) ends it: state {@link ConnectionState#CLOSED}. {@link #close()} ends it too.
 *
 * <p>Publishes made while disconnected wait (at most {@link Builder#maxPendingPublishes}) and fail
 * with a {@link SwitchboardException} after {@link Builder#requestTimeout}; a publish whose
 * connection broke before its reply fails too (it may or may not have been delivered; use an
 * idempotency key to retry safely). Nothing is dropped silently.
 *
 * <p>Threading: all methods are thread-safe. None blocks except {@link #close()}, which waits (at
 * most 5 s) until the client's own thread has closed the connection, so that {@link #state()} reads
 * CLOSED once it returns. Listeners and the futures' results run on one callback thread per client,
 * in order, never on the socket reader: a slow listener delays only later callbacks. Do not block
 * in callbacks for long; their queue is unbounded.
 *
 * <p>Arguments are checked before anything is sent: a channel name outside the channel syntax, or
 * text given as JSON that is not one JSON value, is refused with an {@link
 * IllegalArgumentException} from the call itself.
 */
public interface SwitchboardClient extends AutoCloseable {

  static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * Opens the connection; fails when the first attempt fails (refused, bad token, TLS, ...). An
   * error reply to the token's {@code connect} fails it with a {@link SwitchboardException}
   * carrying the server's error code and message, and ends the client. It completes within {@link
   * Builder#connectTimeout} plus {@link Builder#requestTimeout} whatever happens.
   */
  CompletableFuture<Void> connect();

  /** Subscribes {@code channel} (or a pattern {@code orders:*}) now or when connected. */
  Subscription subscribe(String channel, SubscriptionListener listener);

  /**
   * Subscribes {@code channel} starting after a known position: the first subscribe already
   * recovers everything after {@code offset} in {@code epoch} (e.g. a position kept on disk).
   */
  Subscription subscribe(String channel, long offset, String epoch, SubscriptionListener listener);

  /**
   * Publishes a JSON value given as its text; subscribers receive that exact text. Completes with
   * the server's reply.
   *
   * @throws IllegalArgumentException when {@code json} is not exactly one JSON value (an object,
   *     array, string, number, {@code true}, {@code false} or {@code null}), or {@code channel} is
   *     not a channel name; nothing is sent
   */
  CompletableFuture<Reply> publish(String channel, String json);

  /**
   * As {@link #publish(String, String)}, with the publisher's W3C trace context: it travels to the
   * subscribers that ask for traces ({@link Builder#traces}).
   */
  CompletableFuture<Reply> publish(String channel, String json, TraceContext trace);

  /**
   * Publishes bytes; subscribers get a binary publication.
   *
   * @throws IllegalArgumentException when {@code channel} is not a channel name
   */
  CompletableFuture<Reply> publishBinary(String channel, byte[] data);

  /**
   * Reads the last {@code limit} publications the channel keeps (0: only its position), oldest
   * first. Fails when not connected, or with error 112 when the channel's namespace keeps no
   * history.
   */
  CompletableFuture<History> history(String channel, int limit);

  /**
   * Reads who is subscribed to the channel. Fails when not connected, or with error 112 when the
   * channel's namespace has no presence.
   */
  CompletableFuture<Presence> presence(String channel);

  /**
   * Calls {@code method} on the server's application (its backend through {@code proxy.rpc.url})
   * with {@code json} (one JSON value) and completes with the JSON text or bytes it answered. Fails
   * with a {@link SwitchboardException} carrying error 117 when the application answered an error,
   * 112 when nothing answers rpc there, 109 when its backend could not answer.
   *
   * @throws IllegalArgumentException when {@code json} is not exactly one JSON value or {@code
   *     method} is empty or longer than 128 characters; nothing is sent
   */
  CompletableFuture<Payload> rpc(String method, String json);

  /** Where the connection stands: a plain read, no lock and no wait. */
  ConnectionState state();

  /** Closes the connection (1000) and stops reconnecting; pending requests fail. */
  @Override
  void close();

  /**
   * Closes the connection with {@code code} and {@code reason} and stops reconnecting; pending
   * requests fail, and the listener's {@code onClosed} hears the same code and reason.
   *
   * @param code 1000, 1001, or 3000–4999 (the codes RFC 6455 lets an application send)
   * @param reason at most 123 bytes in UTF-8, what a close frame has room for
   * @throws IllegalArgumentException for another code or a longer reason
   */
  void close(int code, String reason);

  /** Options of a client; {@link #build()} makes it (not yet connected). */
  final class Builder {
    final URI uri;
    @Nullable Supplier<String> token;
    @Nullable SSLContext ssl;
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration requestTimeout = Duration.ofSeconds(10);
    Duration backoffInitial = Duration.ofMillis(200);
    Duration backoffMax = Duration.ofSeconds(30);
    Duration restartJitter = Duration.ofSeconds(1);
    int maxPendingPublishes = 1000;
    ConnectionListener listener = new ConnectionListener() {};
    boolean traces;
    SubscriptionListener serverSubscriptions = m -> {};

    private Builder(URI uri) {
      String scheme = Objects.requireNonNull(uri, "uri").getScheme();
      if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
        throw new IllegalArgumentException(
            "a Switchboard URL starts with ws:// or wss://, not " + uri);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host in " + uri);
      }
      this.uri = uri;
    }

    /** A token sent with {@code connect} on every (re)connect. */
    public Builder token(String token) {
      return token(() -> token);
    }

    /** Asked for a token on every (re)connect, so it can be renewed. */
    public Builder token(Supplier<String> token) {
      this.token = token;
      return this;
    }

    /** Trust for wss:// (e.g. a private CA). */
    public Builder ssl(SSLContext ssl) {
      this.ssl = ssl;
      return this;
    }

    /** How long the WebSocket handshake may take (default 10 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    /**
     * How long a request (the token's {@code connect} too, and a publish waiting for a connection)
     * may take before it fails (default 10 s).
     */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    /** Reconnect delays: the n-th is random in [0, min(max, initial * 2^(n-1))]. */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /**
     * After a close with 1012 (service restart: the node is shutting down and spreads its closes),
     * the reconnect waits a random time in [0, max] (default 1 s) instead of the backoff, so that
     * the clients closed in the same instant do not all come back in the same instant. Should that
     * reconnect fail, the backoff takes over from its second step.
     */
    public Builder restartJitter(Duration max) {
      if (max.isNegative()) {
        throw new IllegalArgumentException("restartJitter must not be negative: " + max);
      }
      this.restartJitter = max;
      return this;
    }

    public Builder maxPendingPublishes(int n) {
      this.maxPendingPublishes = n;
      return this;
    }

    /**
     * Receives the publications (and events) of the channels the server subscribes the connection
     * to, because the application granted them at connect ({@code subscribe} pushes, see
     * docs/PROTOCOL.md): {@code onSubscribed} on each push, then {@code onMessage} with the
     * message's channel. The server renews them on each reconnect, live from then on; the client
     * does not resubscribe them. Without one, their publications are ignored.
     */
    public Builder serverSubscriptions(SubscriptionListener listener) {
      this.serverSubscriptions = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder listener(ConnectionListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Whether every subscription asks for trace contexts ({@code "trace":true}): then a {@link
     * Message} of a publication that carries one has it in {@link Message#trace()} (default false).
     */
    public Builder traces(boolean traces) {
      this.traces = traces;
      return this;
    }

    /** A client with the options set so far; changing the builder afterwards does not affect it. */
    public SwitchboardClient build() {
      return new JakartaSwitchboardClient(options());
    }

    Options options() {
      return new Options(
          uri,
          token,
          ssl,
          connectTimeout,
          requestTimeout,
          backoffInitial,
          backoffMax,
          restartJitter,
          maxPendingPublishes,
          listener,
          traces,
          serverSubscriptions);
    }
  }
}
