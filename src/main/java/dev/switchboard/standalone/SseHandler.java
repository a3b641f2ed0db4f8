package dev.switchboard.standalone;

import dev.switchboard.hub.HandshakeResult;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.sse.EventStream;
import dev.switchboard.sse.SseSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.io.NIOOutputStream;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.Header;
import org.jspecify.annotations.Nullable;

/**
 * The fallback transport on Grizzly: {@code GET /sse} opens an event stream (a suspended response
 * written through {@link NIOOutputStream} without blocking), {@code POST /sse/<session>} feeds its
 * connection. The stream request passes the checks of a WebSocket handshake in the same order:
 * origin, then the connection limits ({@link Admission}), then the token (by the hub).
 */
final class SseHandler extends HttpHandler {
  private final SseSessions sessions;
  private final Admission admission;
  private final ConnectionTracker tracker;
  private final HubMetrics metrics;

  SseHandler(
      SseSessions sessions, Admission admission, ConnectionTracker tracker, HubMetrics metrics) {
    this.sessions = sessions;
    this.admission = admission;
    this.tracker = tracker;
    this.metrics = metrics;
  }

  @Override
  public void service(Request request, Response response) throws IOException {
    String path = request.getRequestURI();
    String method = request.getMethod().getMethodString();
    if (path.equals("/sse")) {
      if (method.equals("GET")) {
        stream(request, response);
      } else {
        refuse(response, "GET", method);
      }
    } else if (path.startsWith("/sse/") && path.indexOf('/', 5) < 0 && path.length() > 5) {
      if (method.equals("POST")) {
        post(request, response, path.substring(5));
      } else {
        refuse(response, "POST", method);
      }
    } else {
      answer(response, new SseSessions.Answer(404, error(ErrorCode.UNKNOWN_OP, "no such path")));
    }
  }

  private void stream(Request request, Response response) throws IOException {
    String origin = request.getHeader("Origin");
    ConnectionTracker.State state = tracker.state(request.getContext().getConnection());
    String peer = state == null ? request.getRemoteAddr() : state.ip;
    SseSessions.Answer refused = sessions.refusal(origin, peer);
    if (refused != null) {
      answer(response, refused);
      return;
    }
    String ip = admission.clientAddress(peer, values(request, "X-Forwarded-For"));
    Admission.Refusal full = admission.admit(ip);
    if (full != null) {
      metrics.handshakeRefused(HandshakeResult.REFUSED_LIMIT);
      metrics.error(ErrorCode.UNAVAILABLE);
      response.setHeader(Header.RetryAfter, "1");
      answer(
          response,
          new SseSessions.Answer(full.status, error(ErrorCode.UNAVAILABLE, full.message)));
      return;
    }
    if (state != null) {
      state.streaming = true; // not a request that takes too long: exempt from the deadline
    }
    response.setStatus(200);
    response.setContentType("text/event-stream;charset=utf-8");
    response.setHeader(Header.CacheControl, "no-cache, no-store");
    response.setHeader("X-Accel-Buffering", "no");
    response.setHeader(Header.Connection, "keep-alive");
    Connection<?> connection = request.getContext().getConnection();
    Events events = new Events(response, connection, () -> released(connection, state, ip));
    response.suspend(-1, TimeUnit.MILLISECONDS, events);
    String lastEventId = request.getHeader("Last-Event-ID");
    if (lastEventId == null) {
      lastEventId = request.getParameter("lastEventId");
    }
    SseSessions.Stream opened =
        sessions.open(
            new SseSessions.StreamRequest(
                origin, bearer(request), null, lastEventId, peer, headers(request)),
            events);
    events.stream = opened;
    if (events.ended.get()) {
      opened.ended(); // ended while opening: finished() did not see the session yet
    }
  }

  /** The stream is over: its admission is released, the connection may serve requests again. */
  private void released(
      Connection<?> connection, ConnectionTracker.@Nullable State state, String ip) {
    admission.release(ip);
    if (state != null) {
      state.streaming = false;
      tracker.requestCompleted(connection);
    }
  }

  private void post(Request request, Response response, String session) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > sessions.maxBody()) {
      response.setHeader(Header.Connection, "close");
      answer(response, sessions.tooBig(session));
      return;
    }
    byte[] body = request.getInputStream().readNBytes(sessions.maxBody() + 1);
    if (body.length > sessions.maxBody()) {
      response.setHeader(Header.Connection, "close");
      answer(response, sessions.tooBig(session));
      return;
    }
    answer(
        response,
        sessions.post(session, request.getHeader("Origin"), request.getContentType(), body));
  }

  private void refuse(Response response, String allowed, String method) throws IOException {
    response.setHeader(Header.Allow, allowed);
    answer(
        response,
        new SseSessions.Answer(
            405, error(ErrorCode.UNKNOWN_OP, method + " is not served here; use " + allowed)));
  }

  private static void answer(Response response, SseSessions.Answer a) throws IOException {
    response.setStatus(HttpStatuses.of(a.status()));
    response.setHeader(Header.CacheControl, "no-store");
    if (a.json().isEmpty()) {
      response.setContentLength(0);
      return;
    }
    byte[] body = a.json().getBytes(StandardCharsets.UTF_8);
    response.setContentType("application/json;charset=UTF-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static String error(ErrorCode code, String message) {
    return dev.switchboard.protocol.ServerMessageEncoder.error(code, message);
  }

  private static @Nullable String bearer(Request request) {
    String auth = request.getHeader(Header.Authorization);
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).trim()
        : null;
  }

  private static java.util.Map<String, List<String>> headers(Request request) {
    java.util.Map<String, List<String>> all = new java.util.LinkedHashMap<>();
    for (String name : request.getHeaderNames()) {
      all.put(name, values(request, name));
    }
    return all;
  }

  private static List<String> values(Request request, String name) {
    List<String> out = new ArrayList<>();
    for (String v : request.getHeaders(name)) {
      out.add(v);
    }
    return out;
  }

  /**
   * One suspended response as an {@link EventStream}. Grizzly queues what is written without
   * blocking; a write completes when the queue has room again ({@link NIOOutputStream#canWrite}),
   * which a peer that stops reading never gives.
   */
  private static final class Events implements EventStream, CompletionHandler<Response> {
    private final Response response;
    private final NIOOutputStream out;
    private final Runnable release;

    /** The response's connection, kept: Grizzly recycles the request once it is resumed. */
    private final Connection<?> connection;

    final AtomicBoolean ended = new AtomicBoolean();

    /** Set right after the session opens; a close before that is replayed by the caller. */
    volatile SseSessions.@Nullable Stream stream;

    Events(Response response, Connection<?> connection, Runnable release) {
      this.response = response;
      this.connection = connection;
      this.out = response.getNIOOutputStream();
      this.release = release;
    }

    @Override
    public void write(byte[][] chunks, Transport.SendCallback done) {
      if (ended.get()) {
        done.completed(new IOException("the event stream has ended"));
        return;
      }
      try {
        for (byte[] c : chunks) {
          out.write(c);
        }
        out.flush();
      } catch (IOException | RuntimeException e) {
        done.completed(e);
        return;
      }
      if (out.canWrite()) {
        done.completed(null);
        return;
      }
      out.notifyCanWrite(
          new WriteHandler() {
            @Override
            public void onWritePossible() {
              done.completed(null);
            }

            @Override
            public void onError(Throwable t) {
              done.completed(t);
            }
          });
    }

    @Override
    public void end() {
      if (ended.compareAndSet(false, true)) {
        try {
          response.resume();
        } catch (RuntimeException e) {
          // Already cancelled: the connection is gone.
        }
        finished();
      }
    }

    @Override
    public void abort() {
      if (ended.compareAndSet(false, true)) {
        connection.closeSilently();
        finished();
      }
    }

    /** The response is over one way or the other: the session and the admission end. */
    private void finished() {
      SseSessions.Stream s = stream;
      if (s != null) {
        s.ended();
      }
      release.run();
    }

    @Override
    public void cancelled() {
      gone();
    }

    @Override
    public void failed(Throwable throwable) {
      gone();
    }

    @Override
    public void completed(Response result) {
      gone();
    }

    @Override
    public void updated(Response result) {}

    private void gone() {
      if (ended.compareAndSet(false, true)) {
        finished();
      }
    }
  }
}
