package dev.switchboard.standalone;

import dev.switchboard.frame.DeflateAgreement;
import dev.switchboard.hub.HandshakeResult;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.log.AccessLog;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Handshake;
import dev.switchboard.server.OriginPolicy;
import dev.switchboard.server.WebSocketEndpoints;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.spi.ReadHandler;
import org.jspecify.annotations.Nullable;

/**
 * The standalone server's gate in front of Tyrus, which accepts far too much by itself.
 *
 * <p>Handshakes on the WebSocket paths must be a GET over HTTP/1.1 with {@code Upgrade: websocket},
 * a {@code Connection} that includes {@code upgrade}, exactly one {@code Sec-WebSocket-Key} of 16
 * base64 bytes and {@code Sec-WebSocket-Version: 13} (else 400, or 426 for the version), an allowed
 * origin (403) and room under the connection limits (503, 429). A refusal is a complete HTTP
 * response with a JSON body, then the connection closes, and a line in the access log ({@link
 * AccessLog}). Tyrus's own refusals lack a body length (leaving HTTP/1.1 clients waiting) and a
 * missing key gets 500 there.
 *
 * <p>After the upgrade every frame header passes the connection's {@link FrameGuard} before Tyrus
 * sees the bytes; a violation is answered with a close frame (1002, 1007 or 1009) and the
 * connection closes. The client's close frame never reaches Tyrus, which refuses the registered
 * codes 1012–1014 from clients: the guard validates it and the gate has Tyrus answer it with the
 * same code and reason ({@link #answerAfterRead}).
 *
 * <p>It also keeps a close away from Tyrus while Tyrus is half-way through an upgrade (see {@link
 * #handleClose}).
 */
final class HandshakeFilter extends BaseFilter {
  private static final System.Logger LOG = System.getLogger(HandshakeFilter.class.getName());

  private final OriginPolicy origins;
  private final AccessLog access;
  private final HubMetrics metrics;
  private final ConnectionTracker tracker;
  private final Admission admission;
  private final long hubMaxMessage;
  private final long echoMaxMessage;
  private final int maxFragments;
  private final UpgradedReads reads;

  /** Tyrus's own per-connection attributes; null when this Tyrus does not have them. */
  private final @Nullable TyrusAttributes tyrus = TyrusAttributes.find();

  /** The limits the gate enforces. */
  record Limits(long hubMaxMessage, long echoMaxMessage, int maxFragments) {}

  private HandshakeFilter(
      WebSocketEndpoints endpoints,
      HubMetrics metrics,
      ConnectionTracker tracker,
      Admission admission,
      Limits limits,
      UpgradedReads reads) {
    this.reads = reads;
    this.origins = endpoints.origins();
    this.access = endpoints.accessLog();
    this.metrics = metrics;
    this.tracker = tracker;
    this.admission = admission;
    this.hubMaxMessage = limits.hubMaxMessage();
    this.echoMaxMessage = limits.echoMaxMessage();
    this.maxFragments = limits.maxFragments();
  }

  /** Installs the gate in front of whatever handles HTTP, so it must be registered before Tyrus. */
  static AddOn addOn(
      WebSocketEndpoints endpoints,
      HubMetrics metrics,
      ConnectionTracker tracker,
      Admission admission,
      Limits limits,
      UpgradedReads reads) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int http = builder.indexOfType(HttpServerFilter.class);
        builder.add(
            http, new HandshakeFilter(endpoints, metrics, tracker, admission, limits, reads));
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    if (!(ctx.getMessage() instanceof HttpContent content)
        || !(content.getHttpHeader() instanceof HttpRequestPacket request)) {
      return ctx.getInvokeAction();
    }
    ConnectionTracker.State state = tracker.state(ctx.getConnection());
    if (state != null && state.frames != null) {
      if (!state.upgraded()) {
        state.upgradeFinished(); // a read after the upgrade's: Tyrus is done with it
      }
      if (!state.slimmed && request.getResponse().getStatus() == 101) {
        // Tyrus copied what it needs at the handshake; the parsed header values would otherwise
        // stay referenced for the connection's whole life.
        state.slimmed = true;
        request.getHeaders().recycle();
        request.getResponse().getHeaders().recycle();
      }
      return guard(ctx, state.frames, content);
    }
    if (!isWebSocketPath(request)) {
      if (content.isLast()) {
        // The keep-alive countdown starts once the answer is written (handleWrite), not now.
        tracker.requestReceived(ctx.getConnection());
      }
      return ctx.getInvokeAction();
    }
    Handshake.Problem problem = handshakeProblem(request);
    if (problem != null) {
      return refuse(
          ctx,
          state,
          request,
          new Refusal(problem.status(), ErrorCode.MALFORMED, problem.message()));
    }
    String origin = request.getHeader("Origin");
    if (!origins.allows(origin)) {
      return refuse(
          ctx,
          state,
          request,
          new Refusal(403, ErrorCode.UNAUTHORIZED, "origin " + origin + " is not allowed"));
    }
    String ip =
        state == null ? "?" : admission.clientAddress(state.ip, values(request, "X-Forwarded-For"));
    Admission.Refusal full = admission.admit(ip);
    if (full != null) {
      return refuse(
          ctx, state, request, new Refusal(full.status, ErrorCode.UNAVAILABLE, full.message));
    }
    FrameGuard frames =
        new FrameGuard(
            request.getRequestURI().endsWith(WebSocketEndpoints.ECHO_PATH)
                ? echoMaxMessage
                : hubMaxMessage,
            maxFragments,
            tyrus != null);
    if (state != null) {
      state.admittedAs = ip;
      state.frames = frames; // admitted: released again when the connection closes
      // Completed once the whole chain, Tyrus's upgrade included, is done with this request.
      ctx.addCompletionListener(
          done -> {
            if (negotiatedDeflate(request.getResponse())) {
              frames.allowCompressed();
            }
            state.upgradeFinished();
            reads.upgraded(ctx.getConnection(), state);
          });
    } else {
      admission.release(ip);
    }
    // Frames that arrived in the same read as the handshake are checked too.
    return content.getContent().hasRemaining()
        ? guard(ctx, frames, content)
        : ctx.getInvokeAction();
  }

  /** The last bytes of an answer: the connection's keep-alive countdown starts now. */
  @Override
  public NextAction handleWrite(FilterChainContext ctx) throws IOException {
    if (ctx.getMessage() instanceof HttpContent content
        && content.isLast()
        && content.getHttpHeader() instanceof HttpResponsePacket response
        && response.getStatus() != 101) {
      tracker.requestCompleted(ctx.getConnection());
    }
    return ctx.getInvokeAction();
  }

  /**
   * Passes a connection's close on to Tyrus unless Tyrus is half-way through upgrading it.
   *
   * <p>Tyrus 2.2's {@code GrizzlyServerFilter} finishes an upgrade, after the endpoint's onOpen, by
   * setting its connection attribute, then its task processor attribute, then a close listener. A
   * close on another thread in between reaches its {@code handleClose} with the first and not the
   * second, which fails with a NullPointerException that Grizzly logs. Switchboard closed sessions
   * from onOpen, on the {@code Closer}'s thread, whenever a handshake carried an invalid token, so
   * under many bad-token connects that race came up. Closes Switchboard starts now wait until the
   * upgrade is done ({@link ConnectionTracker.State#whenUpgraded}); what is left is a TCP close in
   * the middle of an upgrade (the handshake deadline passing just then, a stop), and this check
   * narrows that window further (it cannot close it: Tyrus may set its first attribute right after
   * the check). Skipping Tyrus's close handling there loses nothing: the close listener Tyrus
   * registers right after runs at once on a closed connection (Grizzly calls listeners added after
   * the close immediately) and closes the session.
   */
  @Override
  public NextAction handleClose(FilterChainContext ctx) throws IOException {
    if (tyrus != null && tyrus.halfUpgraded(ctx.getConnection())) {
      return ctx.getStopAction();
    }
    return ctx.getInvokeAction();
  }

  /** Tyrus's attributes on a Grizzly connection, reached by reflection into Tyrus 2.2. */
  record TyrusAttributes(Attribute<?> connection, Attribute<?> taskProcessor) {
    static @Nullable TyrusAttributes find() {
      try {
        Class<?> filter =
            Class.forName("org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter");
        return new TyrusAttributes(
            attribute(filter, "TYRUS_CONNECTION"), attribute(filter, "TASK_PROCESSOR"));
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "Tyrus's connection attributes not found; closes during an upgrade may log errors: "
                + e);
        return null;
      }
    }

    private static Attribute<?> attribute(Class<?> owner, String name)
        throws ReflectiveOperationException {
      java.lang.reflect.Field f = owner.getDeclaredField(name);
      f.setAccessible(true);
      return (Attribute<?>) f.get(null);
    }

    /**
     * Closes Tyrus's connection on {@code c} as if the peer's close frame had reached Tyrus: the
     * same close frame back, the endpoint told, the connection closed. False when Tyrus has no
     * connection there.
     */
    boolean close(Connection<?> c, int code, String reason) {
      if (!(connection.get(c) instanceof org.glassfish.tyrus.spi.Connection tyrusConnection)) {
        return false;
      }
      tyrusConnection.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
      return true;
    }

    /** Tyrus's read handler for {@code c}, or null when Tyrus has no connection there. */
    @Nullable ReadHandler readHandler(Connection<?> c) {
      return connection.get(c) instanceof org.glassfish.tyrus.spi.Connection t
          ? t.getReadHandler()
          : null;
    }

    /** Tyrus's task processor for {@code c}, which orders its reads and closes, or null. */
    @Nullable TaskProcessor taskProcessor(Connection<?> c) {
      return taskProcessor.get(c) instanceof TaskProcessor p ? p : null;
    }

    /** Whether Tyrus has set its connection on {@code c} but not yet its task processor. */
    boolean halfUpgraded(Connection<?> c) {
      return connection.isSet(c) && !taskProcessor.isSet(c);
    }
  }

  private NextAction guard(FilterChainContext ctx, FrameGuard frames, HttpContent content) {
    if (!UpgradedReads.admit(ctx, frames, content.getContent(), metrics)) {
      return ctx.getStopAction();
    }
    FrameGuard.PeerClose close = frames.takePeerClose();
    if (close != null) {
      answerAfterRead(ctx, close);
    }
    return ctx.getInvokeAction();
  }

  /**
   * Whether Tyrus's 101 answer accepted permessage-deflate (the only extension the server
   * negotiates), read before the connection's first read after the upgrade drops the headers.
   */
  private static boolean negotiatedDeflate(HttpResponsePacket response) {
    String extensions = response.getHeader("Sec-WebSocket-Extensions");
    return response.getStatus() == 101
        && extensions != null
        && extensions.startsWith(DeflateAgreement.NAME);
  }

  /**
   * Answers the peer's close through Tyrus once Tyrus has read what came before it: Tyrus sends the
   * close frame with the peer's code and reason (1000 for a close without status), reports the
   * close to the endpoint with that code (1005 for none), and closes the connection, as it does for
   * a close frame it reads itself.
   */
  private void answerAfterRead(FilterChainContext ctx, FrameGuard.PeerClose close) {
    Connection<?> c = ctx.getConnection();
    TyrusAttributes t = tyrus;
    ConnectionTracker.State state = tracker.state(c);
    Runnable answer =
        () -> {
          if (t == null || !t.close(c, close.code(), close.reason())) {
            c.closeSilently();
          }
        };
    ctx.addCompletionListener(
        done -> {
          if (state == null) {
            answer.run();
          } else {
            state.whenUpgraded(answer);
          }
        });
  }

  /**
   * The path as sent is enough: the {@link RequestTargetFilter} in front refuses every other
   * spelling that Tyrus would still match ({@code /%77s}, {@code /ws;x}).
   */
  private static boolean isWebSocketPath(HttpRequestPacket request) {
    String uri = request.getRequestURI();
    return uri.equals(WebSocketEndpoints.HUB_PATH) || uri.equals(WebSocketEndpoints.ECHO_PATH);
  }

  /** Why the handshake is not a strict RFC 6455 one, or null. */
  static Handshake.@Nullable Problem handshakeProblem(HttpRequestPacket request) {
    return Handshake.problem(
        request.getMethod().getMethodString(),
        request.getProtocolString(),
        name -> values(request, name));
  }

  private static List<String> values(HttpRequestPacket request, String name) {
    List<String> out = new ArrayList<>();
    for (String v : request.getHeaders().values(name)) {
      out.add(v);
    }
    return out;
  }

  /** A handshake's refusal: the HTTP status, the error code and message of its JSON body. */
  private record Refusal(int status, ErrorCode code, String message) {}

  private NextAction refuse(
      FilterChainContext ctx,
      ConnectionTracker.@Nullable State state,
      HttpRequestPacket request,
      Refusal refusal) {
    metrics.handshakeRefused(
        switch (refusal.code()) {
          case UNAUTHORIZED -> HandshakeResult.REFUSED_ORIGIN;
          case UNAVAILABLE -> HandshakeResult.REFUSED_LIMIT;
          default -> HandshakeResult.REFUSED_MALFORMED;
        });
    metrics.error(refusal.code());
    int status = refusal.status();
    access.refused(
        request.getRequestURI(),
        state == null ? null : state.ip,
        request.getHeader("Origin"),
        status,
        refusal.message(),
        state == null ? access.now() : state.requestStartNanos);
    HttpResponsePacket response = request.getResponse();
    if (status == 426) {
      Handshake.upgradeRequiredHeaders().forEach(h -> response.setHeader(h[0], h[1]));
    }
    if (status == 429 || status == 503) {
      response.setHeader(Header.RetryAfter, "1");
    }
    return JsonRefusal.send(ctx, response, status, refusal.code(), refusal.message());
  }
}
