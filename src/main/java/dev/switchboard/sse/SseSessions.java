package dev.switchboard.sse;

import dev.switchboard.auth.Identity;
import dev.switchboard.auth.RoleGrants;
import dev.switchboard.hub.ClientConnection;
import dev.switchboard.hub.HandshakeResult;
import dev.switchboard.hub.Hub;
import dev.switchboard.log.AccessLog;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The fallback transport's sessions on this node: opens an event stream as a hub connection, finds
 * the session a POST names and feeds it, and lets shutdown wait for the streams to end. The HTTP
 * server adapts its requests to {@link #open} and {@link #post}; the checks that need the HTTP
 * server's own knowledge (connection limits by address, the container's user) stay with it.
 *
 * <p>A session handle is 128 bits from {@link SecureRandom}: the only credential a POST carries
 * besides its origin, so it cannot be guessed, and the stream that reveals it is served without
 * CORS headers, so a page of another origin cannot read it. Thread-safe.
 */
public final class SseSessions {
  private static final System.Logger LOG = System.getLogger(SseSessions.class.getName());

  /**
   * A POST body may carry up to this many messages' worth of bytes: room for a burst of commands (a
   * client that reconnects subscribes to all its channels at once) with a bound per request.
   */
  static final int MESSAGES_PER_POST = 16;

  /** Characters of a session handle written to logs: enough to tell sessions apart, not to use. */
  private static final int LOGGED = 6;

  private final Hub hub;
  private final Options options;
  private final CommandDecoder decoder = new CommandDecoder();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, SseSession> sessions = new ConcurrentHashMap<>();

  /** Notified when the last session ends. */
  private final Object allEnded = new Object();

  /**
   * What the sessions need from the configuration.
   *
   * @param path the stream's path, for the access log ({@code /sse})
   * @param maxMessageSize the largest message ({@code ws.max-message-size})
   * @param origins which {@code Origin} headers may open a stream and post
   * @param access the access log
   * @param roles how the container's user becomes the identity
   * @param forwarding picks from a request's headers those forwarded to the decisions ({@code
   *     proxy.headers}, {@code proxy.cookies})
   */
  public record Options(
      String path,
      int maxMessageSize,
      Predicate<@Nullable String> origins,
      AccessLog access,
      ContainerRoles roles,
      java.util.function.Function<Map<String, List<String>>, Map<String, String>> forwarding) {}

  /**
   * How a container's user becomes a connection's identity, as on {@code /ws}.
   *
   * @param enabled {@code auth.container}
   * @param grants the permissions of the container's roles ({@code auth.role.<role>})
   */
  public record ContainerRoles(boolean enabled, RoleGrants grants) {}

  /**
   * An HTTP answer: a status and its JSON body (empty for 204).
   *
   * @param status the HTTP status
   * @param json the body, {@code {"error":{...}}}, or empty
   */
  public record Answer(int status, String json) {
    static final Answer ACCEPTED = new Answer(204, "");

    static Answer error(int status, ErrorCode code, String message) {
      return new Answer(status, ServerMessageEncoder.error(code, message));
    }

    static Answer gone() {
      return error(404, ErrorCode.UNAVAILABLE, "no such session: open a new stream");
    }
  }

  /**
   * A stream request as the HTTP server read it.
   *
   * @param origin its {@code Origin} header, or null
   * @param bearer the token of its {@code Authorization: Bearer} header, or null
   * @param user the user the container authenticated, or null
   * @param lastEventId its {@code Last-Event-ID} header or {@code lastEventId} parameter, or null
   * @param remote the client's address for the access log, or null
   * @param headers every header of the request, for the ones forwarded to decisions
   */
  public record StreamRequest(
      @Nullable String origin,
      @Nullable String bearer,
      @Nullable ContainerUser user,
      @Nullable String lastEventId,
      @Nullable String remote,
      Map<String, List<String>> headers) {}

  /**
   * The user a servlet container authenticated for the stream request.
   *
   * @param name the principal's name
   * @param inRole whether the user is in a role, asked while the request is served
   */
  public record ContainerUser(String name, Predicate<String> inRole) {}

  /** An open stream, as its HTTP server holds it. */
  public interface Stream {
    /**
     * The response ended or failed (the client went away, a write failed, the close event was
     * written): the connection closes. Idempotent.
     */
    void ended();
  }

  public SseSessions(Hub hub, Options options) {
    this.hub = hub;
    this.options = options;
  }

  /** The largest POST body accepted; a larger one is refused with 413 and closes the session. */
  public int maxBody() {
    return options.maxMessageSize() * MESSAGES_PER_POST;
  }

  /**
   * Refuses a stream request whose {@code Origin} is not allowed (403), counted and logged as a
   * refused WebSocket handshake is; null when it may proceed to the HTTP server's limits.
   */
  public @Nullable Answer refusal(@Nullable String origin, @Nullable String remote) {
    if (options.origins().test(origin)) {
      return null;
    }
    hub.metrics().handshakeRefused(HandshakeResult.REFUSED_ORIGIN);
    hub.metrics().error(ErrorCode.UNAUTHORIZED);
    String message = "origin " + origin + " is not allowed";
    AccessLog log = options.access();
    log.refused(options.path(), remote, origin, 403, message, log.now());
    return Answer.error(403, ErrorCode.UNAUTHORIZED, message);
  }

  /**
   * Opens a session on {@code stream} (the 200 and the headers are sent by the caller): writes the
   * {@code open} event, authenticates with the request's token or user as a WebSocket handshake
   * does, and resubscribes from the request's {@code Last-Event-ID}.
   */
  public Stream open(StreamRequest request, EventStream stream) {
    String id = newId();
    Positions positions = new Positions();
    SseTransport transport =
        new SseTransport(stream, positions, options.forwarding().apply(request.headers()));
    AccessLog.Entry access =
        options.access().opened(options.path(), request.remote(), request.origin());
    hub.metrics().sseOpened();
    ClientConnection connection = hub.open(transport, request.bearer(), identity(request.user()));
    SseSession session =
        new SseSession(id, request.origin(), transport, positions, connection, access);
    sessions.put(id, session);
    transport.begin(SseEvents.open(id, connection.id()));
    if (!hub.lifecycle().isAccepting()) {
      connection.close(CloseCode.SERVICE_RESTART, "server shutting down");
    } else if (connection.isOpen() && request.lastEventId() != null) {
      session.resume(Positions.parse(request.lastEventId()));
    }
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "session " + logged(id) + " opened for connection " + connection.id());
    return () -> end(session);
  }

  /**
   * Feeds a POST to the session it names.
   *
   * @param session the handle from the request path
   * @param origin the POST's {@code Origin}, or null
   * @param contentType its {@code Content-Type}, or null
   * @param body the whole body, at most {@link #maxBody} bytes (a longer one is refused by the
   *     caller, after {@link #tooBig})
   */
  public Answer post(
      String session, @Nullable String origin, @Nullable String contentType, byte[] body) {
    SseSession s = sessions.get(session);
    if (s == null) {
      return Answer.gone();
    }
    if ((s.origin != null && !s.origin.equals(origin)) || !options.origins().test(origin)) {
      hub.metrics().error(ErrorCode.FORBIDDEN);
      return Answer.error(
          403, ErrorCode.FORBIDDEN, "a session takes commands from the origin of its stream only");
    }
    return s.post(contentType, body, options.maxMessageSize(), decoder);
  }

  /**
   * A POST body over {@link #maxBody}, refused before it is read: the session it names, if any,
   * closes with 1009 as a WebSocket connection does.
   */
  public Answer tooBig(String session) {
    SseSession s = sessions.get(session);
    String message = "body over " + maxBody() + " bytes";
    if (s != null) {
      s.connection().close(CloseCode.MESSAGE_TOO_BIG, message);
    }
    return Answer.error(413, ErrorCode.TOO_LARGE, message);
  }

  private void end(SseSession session) {
    if (!session.ended()) {
      return;
    }
    sessions.remove(session.id, session);
    hub.metrics().sseClosed();
    LOG.log(System.Logger.Level.DEBUG, () -> "session " + logged(session.id) + " ended");
    if (sessions.isEmpty()) {
      synchronized (allEnded) {
        allEnded.notifyAll();
      }
    }
  }

  /** Sessions open now. */
  public int count() {
    return sessions.size();
  }

  /**
   * Waits up to {@code grace} until every stream has ended (the hub closes them at shutdown).
   *
   * @return whether all ended in time
   */
  public boolean awaitAllClosed(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    synchronized (allEnded) {
      while (!sessions.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        allEnded.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }

  /**
   * The container's user as an identity: its name, the permissions of its roles, no expiry (the
   * container's session is not the connection's); null when none or {@code auth.container} is off.
   */
  private @Nullable Identity identity(@Nullable ContainerUser user) {
    ContainerRoles roles = options.roles();
    if (user == null || !roles.enabled()) {
      return null;
    }
    return new Identity(
        user.name(), null, roles.grants().permissionsFor(user.inRole()), java.time.Instant.MAX);
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The first characters of a handle, for logs: the whole one would let a log reader post. */
  static String logged(String id) {
    return id.substring(0, Math.min(LOGGED, id.length())) + "…";
  }
}
