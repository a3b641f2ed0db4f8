package dev.switchboard.server;

import dev.switchboard.hub.ClientConnection;
import dev.switchboard.hub.OwnProtocol;
import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.ChannelName;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ProtocolException;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A session of an application's own endpoint attached to hub channels (see {@link
 * SessionChannels}). Subscribes and unsubscribes it, sends the endpoint's own replies through the
 * session's outbox (after the publications already queued, under the same bound), and ends with the
 * session.
 *
 * <p>The endpoint tells it what the hub cannot see of a session it does not read: each message
 * ({@link #received}, for the rate limit and liveness) and the session's close ({@link #closed}).
 * It ends in one of three ways: the session closed ({@link #closed}), the endpoint closes it
 * through the hub ({@link #close(CloseCode, String)}), or the endpoint only detaches it ({@link
 * #detach}) and keeps the session.
 *
 * <p>Threading: call {@link #received}, {@link #subscribe}, {@link #unsubscribe} and {@link #send}
 * from the session's callbacks (the container calls them one at a time), or otherwise one at a
 * time. The stages complete on engine or container threads.
 */
public final class Attachment implements AutoCloseable {
  /** RFC 6455's normal closure: the endpoint detached the session. */
  private static final int NORMAL = 1000;

  private final Session session;
  private final Transport transport;
  private final ClientConnection connection;
  private final Answers answers;
  private final WebSocketEndpoints endpoints;
  private final AtomicLong nextId = new AtomicLong();

  Attachment(
      Session session,
      Transport transport,
      ClientConnection connection,
      Answers answers,
      WebSocketEndpoints endpoints) {
    this.session = session;
    this.transport = transport;
    this.connection = connection;
    this.answers = answers;
    this.endpoints = endpoints;
    answers.connection = connection;
  }

  /**
   * The position a subscription went live at.
   *
   * @param offset the channel's offset now (0 without history); publications after it follow
   * @param epoch the channel's history epoch (empty without history)
   * @param recovered whether a subscribe from a position got every publication after it (false:
   *     history no longer holds them, or the epoch changed; the endpoint should resynchronise)
   * @param reason why not recovered; null when recovered
   */
  public record Subscribed(long offset, String epoch, boolean recovered, @Nullable String reason) {}

  /** The hub connection's id, unique across nodes. */
  public String id() {
    return connection.id();
  }

  /** The channels the session is subscribed to now. */
  public Set<String> channels() {
    return connection.subscriptions();
  }

  /** Whether the session is still attached: not closed nor detached. */
  public boolean isOpen() {
    return connection.isOpen();
  }

  /**
   * Subscribes the session to {@code channel} from now on. The stage fails with a {@link
   * ProtocolException} carrying the hub protocol's error code when it is refused (an invalid name,
   * no permission, the application's subscribe decision, the subscription limit, already
   * subscribed) or the engine is unavailable, and with {@link IllegalStateException} when the
   * session is no longer attached.
   */
  public CompletionStage<Subscribed> subscribe(String channel) {
    return subscribe(channel, null);
  }

  /**
   * Subscribes the session to {@code channel} from the position it had (the offset and epoch of the
   * last publication the client got, from an earlier session): the publications after it, kept in
   * the channel's history, come first, then live ones, each once and in order. {@link
   * Subscribed#recovered} says whether none was missing.
   */
  public CompletionStage<Subscribed> subscribe(String channel, long offset, String epoch) {
    return subscribe(channel, new Command.Since(offset, epoch));
  }

  private CompletionStage<Subscribed> subscribe(String channel, Command.@Nullable Since since) {
    String problem = ChannelName.problem(channel);
    if (problem != null) {
      return CompletableFuture.failedFuture(
          new ProtocolException(ErrorCode.BAD_CHANNEL, problem, Command.NO_ID));
    }
    return run(id -> new Command.Subscribe(id, channel, since, null))
        .thenApply(
            answer -> {
              OwnProtocol.Answer.Subscribed s = (OwnProtocol.Answer.Subscribed) answer;
              return new Subscribed(s.offset(), s.epoch(), s.recovered(), s.reason());
            });
  }

  /** Ends the subscription to {@code channel}; fails like {@link #subscribe} when there is none. */
  public CompletionStage<Void> unsubscribe(String channel) {
    return run(id -> new Command.Unsubscribe(id, channel)).thenApply(answer -> null);
  }

  /**
   * Queues one text frame of the endpoint's own (a reply to its client) behind what the session's
   * outbox already holds.
   *
   * @return false when it was not queued: the session is closed, or the outbox is over its limit
   *     and the session is being closed with 4000 as a slow consumer
   */
  public boolean send(String text) {
    return connection.sendOwn(new QueuedFrame.Text(text));
  }

  /**
   * Tells {@code listener} of each subscription the server ends (the application removed the user
   * from the channel, {@code Channels.unsubscribeUser}): no more publications of that channel come.
   * A hub protocol client gets an {@code unsubscribe} push instead. Called on any thread.
   */
  public void whenEnded(Consumer<String> listener) {
    answers.whenEnded = listener;
  }

  /**
   * A message of {@code size} (characters of a text message, bytes of a binary one) arrived on the
   * session: call it from the endpoint's {@code @OnMessage} for each message, before acting on it.
   * It counts as a sign of life, so an active session is not pinged nor closed as idle (4001), and
   * it passes the hub's per-connection rate limit ({@code ws.rate.messages}, {@code ws.rate.bytes})
   * as a hub protocol client's messages do.
   *
   * @return false when the endpoint must drop the message: the session is no longer attached, or
   *     the message is over the rate limit (counted as error 114; the hub cannot tell the client in
   *     the endpoint's format, the endpoint may). A session refused in three consecutive seconds is
   *     closed with 4002 as flooding, counted.
   */
  public boolean received(int size) {
    return connection.isOpen() && connection.admit(size);
  }

  /** A pong arrived on the session: its client is alive (see {@link SessionChannels#attach}). */
  public void pong() {
    connection.onPong();
  }

  /**
   * The session closed: call it from the endpoint's {@code @OnClose}. Ends every subscription and
   * fails the stages still pending. A close the container made on its own (1002, 1007, 1009, 1011:
   * see {@link WebSocketEndpoints}) is counted in the hub's closes, as for hub clients; one the hub
   * made is counted once, where it was made.
   */
  public void closed(CloseReason reason) {
    String phrase = reason.getReasonPhrase();
    int code = reason.getCloseCode().getCode();
    if (end(code, phrase == null ? "" : phrase)) {
      endpoints.countContainerClose(code, transport);
    }
  }

  /**
   * Detaches the session and leaves it open to the endpoint: its subscriptions end, what is queued
   * is dropped, the hub no longer pings it nor closes it at shutdown. Idempotent.
   */
  public void detach() {
    end(NORMAL, "detached");
  }

  /**
   * Same as {@link #detach}: the session stays open. To close it, use {@link #close(CloseCode,
   * String)}.
   */
  @Override
  public void close() {
    detach();
  }

  /**
   * Closes the session with {@code code} through the hub's close path: deliveries stop at once,
   * what is queued is dropped (counted), the close is counted in the hub's closes, then the closing
   * handshake starts. The endpoint's {@code @OnClose} follows and still calls {@link #closed}. Does
   * nothing when the session is no longer attached.
   */
  public void close(CloseCode code, String reason) {
    connection.close(code, reason);
    answers.failAll();
  }

  /**
   * {@link #close(CloseCode, String)} with a numeric code: one of {@link CloseCode#known()}, or an
   * application's own (3000–4999; 4500–4999 tell Switchboard's clients not to reconnect).
   *
   * @throws IllegalArgumentException if {@code code} may not be sent (RFC 6455 §7.4)
   */
  public void close(int code, String reason) {
    close(
        CloseCode.of(code).orElseGet(() -> new CloseCode(code, "own", !CloseCode.isFinal(code))),
        reason);
  }

  /** The server is shutting down: closed with 1012 (service restart) like the hub's own clients. */
  void closeForShutdown() {
    connection.close(CloseCode.SERVICE_RESTART, "server shutting down");
  }

  /** Releases the connection; whether it was still open (no close of the hub's came first). */
  private boolean end(int code, String reason) {
    boolean wasOpen = connection.onClosed(code, reason);
    endpoints.sessions().closed(session);
    answers.failAll();
    return wasOpen;
  }

  private CompletionStage<OwnProtocol.Answer> run(java.util.function.LongFunction<Command> make) {
    long id = nextId.incrementAndGet();
    CompletableFuture<OwnProtocol.Answer> answer = answers.expect(id);
    connection.run(make.apply(id));
    if (!connection.isOpen()) {
      answers.failAll(); // closed before or meanwhile: nothing will answer
    }
    return answer;
  }

  /** The attached connection's side of the hub: frames in the format, answers to the stages. */
  static final class Answers implements OwnProtocol {
    private static final System.Logger LOG = System.getLogger(Attachment.class.getName());

    private final Format format;
    private final Closer closer;
    private final Map<Long, CompletableFuture<OwnProtocol.Answer>> pending =
        new ConcurrentHashMap<>();

    /** Told when the server ends a subscription; null: logged. */
    volatile @Nullable Consumer<String> whenEnded;

    /** Set by the attachment right after the hub made the connection. */
    volatile @Nullable ClientConnection connection;

    Answers(Format format, Closer closer) {
      this.format = format;
      this.closer = closer;
    }

    CompletableFuture<OwnProtocol.Answer> expect(long id) {
      CompletableFuture<OwnProtocol.Answer> f = new CompletableFuture<>();
      pending.put(id, f);
      return f;
    }

    void failAll() {
      for (Long id : Set.copyOf(pending.keySet())) {
        CompletableFuture<OwnProtocol.Answer> f = pending.remove(id);
        if (f != null) {
          f.completeExceptionally(new IllegalStateException("the session is no longer attached"));
        }
      }
    }

    @Override
    public QueuedFrame publication(String channel, long offset, String epoch, Payload payload) {
      try {
        return format.encode(channel, offset, epoch, payload);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "format failed on a publication of " + channel, e);
        ClientConnection c = connection;
        if (c != null) {
          // Not here: this runs under a subscription's lock.
          closer.run("close after a format failure", () -> c.close(CloseCode.INTERNAL_ERROR, ""));
        }
        return new QueuedFrame.Text("");
      }
    }

    @Override
    public void answered(long commandId, OwnProtocol.Answer answer) {
      CompletableFuture<OwnProtocol.Answer> f = pending.remove(commandId);
      if (f == null) {
        return; // an error without a command (none is sent for an attached session)
      }
      if (answer instanceof OwnProtocol.Answer.Refused r) {
        f.completeExceptionally(new ProtocolException(r.code(), r.message(), commandId));
      } else {
        f.complete(answer);
      }
    }

    @Override
    public void ended(String channel) {
      Consumer<String> listener = whenEnded;
      if (listener != null) {
        listener.accept(channel);
      } else {
        LOG.log(Level.INFO, "attached session: the server ended its subscription to " + channel);
      }
    }
  }
}
