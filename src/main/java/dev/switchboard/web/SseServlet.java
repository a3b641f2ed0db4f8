package dev.switchboard.web;

import dev.switchboard.hub.Transport;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import dev.switchboard.sse.EventStream;
import dev.switchboard.sse.SseSessions;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The fallback transport in a web application: {@code GET <base>/sse} opens an event stream (an
 * asynchronous response without timeout, written through a {@link WriteListener}), {@code POST
 * <base>/sse/<session>} feeds its connection. The container's authenticated user becomes the
 * connection's identity as on {@code /ws} ({@code auth.container}); connection limits are the
 * container's, as for WebSocket handshakes in a web application.
 */
final class SseServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient SseSessions sessions;

  SseServlet(SseSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String info = request.getPathInfo();
    String method = request.getMethod();
    if (info == null || info.equals("/")) {
      if (method.equals("GET")) {
        stream(request, response);
      } else {
        refuse(response, "GET", method);
      }
    } else if (info.indexOf('/', 1) < 0) {
      if (method.equals("POST")) {
        post(request, response, info.substring(1));
      } else {
        refuse(response, "POST", method);
      }
    } else {
      answer(response, new SseSessions.Answer(404, error(ErrorCode.UNKNOWN_OP, "no such path")));
    }
  }

  private void stream(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String origin = request.getHeader("Origin");
    SseSessions.Answer refused = sessions.refusal(origin, request.getRemoteAddr());
    if (refused != null) {
      answer(response, refused);
      return;
    }
    response.setStatus(200);
    response.setContentType("text/event-stream;charset=utf-8");
    response.setHeader("Cache-Control", "no-cache, no-store");
    response.setHeader("X-Accel-Buffering", "no");
    response.flushBuffer(); // the status and headers now: a client waits for them to proceed
    AsyncContext async = request.startAsync();
    async.setTimeout(0); // lives as long as the session; the hub's pings bound a dead one
    Events events = new Events(async, response.getOutputStream());
    async.addListener(events);
    String lastEventId = request.getHeader("Last-Event-ID");
    if (lastEventId == null) {
      lastEventId = request.getParameter("lastEventId");
    }
    SseSessions.StreamRequest r =
        new SseSessions.StreamRequest(
            origin,
            bearer(request),
            user(request),
            lastEventId,
            request.getRemoteAddr(),
            headers(request));
    SseSessions.Stream opened = sessions.open(r, events);
    events.stream = opened;
    // The container calls onWritePossible once the listener is set, and the open event goes
    // then; Open Liberty may call it late, so a ready output is used at once.
    response.getOutputStream().setWriteListener(events);
    events.start();
    if (events.ended.get()) {
      opened.ended();
    }
  }

  private static SseSessions.@Nullable ContainerUser user(HttpServletRequest request) {
    Principal p = request.getUserPrincipal();
    return p == null || p.getName() == null
        ? null
        : new SseSessions.ContainerUser(p.getName(), request::isUserInRole);
  }

  private void post(HttpServletRequest request, HttpServletResponse response, String session)
      throws IOException {
    if (request.getContentLengthLong() > sessions.maxBody()) {
      answer(response, sessions.tooBig(session));
      return;
    }
    byte[] body = request.getInputStream().readNBytes(sessions.maxBody() + 1);
    if (body.length > sessions.maxBody()) {
      answer(response, sessions.tooBig(session));
      return;
    }
    answer(
        response,
        sessions.post(session, request.getHeader("Origin"), request.getContentType(), body));
  }

  private static void refuse(HttpServletResponse response, String allowed, String method)
      throws IOException {
    response.setHeader("Allow", allowed);
    answer(
        response,
        new SseSessions.Answer(
            405, error(ErrorCode.UNKNOWN_OP, method + " is not served here; use " + allowed)));
  }

  private static void answer(HttpServletResponse response, SseSessions.Answer a)
      throws IOException {
    response.setStatus(a.status());
    response.setHeader("Cache-Control", "no-store");
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
    return ServerMessageEncoder.error(code, message);
  }

  private static java.util.Map<String, java.util.List<String>> headers(HttpServletRequest request) {
    java.util.Map<String, java.util.List<String>> all = new java.util.LinkedHashMap<>();
    for (String name : java.util.Collections.list(request.getHeaderNames())) {
      all.put(name, java.util.Collections.list(request.getHeaders(name)));
    }
    return all;
  }

  private static @Nullable String bearer(HttpServletRequest request) {
    String auth = request.getHeader("Authorization");
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).trim()
        : null;
  }

  /**
   * One asynchronous response as an {@link EventStream}. A write goes out only while the output
   * {@link ServletOutputStream#isReady is ready}; it completes when the container has taken all of
   * it (ready again at once, or at the next {@link #onWritePossible}), which a peer that stops
   * reading never allows. The servlet output may not be used by two threads at once, and the hub's
   * threads write while the container's call back: the lock of this object serializes them (the
   * calls under it never block: the output is in non-blocking mode). Callbacks run outside it.
   */
  private static final class Events implements EventStream, WriteListener, AsyncListener {
    private final AsyncContext async;
    private final ServletOutputStream out;
    final AtomicBoolean ended = new AtomicBoolean();

    /** Set right after the session opens; an end before that is replayed by the caller. */
    volatile SseSessions.@Nullable Stream stream;

    /** The write not yet started; guarded by this. */
    private byte @Nullable [][] pending;

    private Transport.@Nullable SendCallback pendingDone;

    /** The callback of a write the container is still taking; guarded by this. */
    private Transport.@Nullable SendCallback awaiting;

    /** The container said the output is ready and it has not been found unready since. */
    private boolean ready;

    /** Bytes were written and not flushed yet (the output was not ready for the flush). */
    private boolean unflushed;

    Events(AsyncContext async, ServletOutputStream out) {
      this.async = async;
      this.out = out;
    }

    @Override
    public void write(byte[][] chunks, Transport.SendCallback done) {
      if (ended.get()) {
        done.completed(new IOException("the event stream has ended"));
        return;
      }
      synchronized (this) {
        pending = chunks;
        pendingDone = done;
      }
      drain();
    }

    @Override
    public void onWritePossible() {
      Transport.SendCallback finished;
      Throwable failure = null;
      synchronized (this) {
        ready = true;
        finished = awaiting;
        awaiting = null;
        try {
          if (unflushed && out.isReady()) {
            // Written while the output was busy: some containers (Open Liberty) keep it in the
            // response buffer until flushed, which would hold an event until the next one.
            unflushed = false;
            out.flush();
          }
          ready = out.isReady();
        } catch (IOException | RuntimeException e) {
          failure = e;
        }
      }
      if (finished != null) {
        finished.completed(failure);
      }
      drain();
    }

    /** Writes what waits if the output is ready, without waiting for onWritePossible. */
    void start() {
      synchronized (this) {
        try {
          ready = ready || out.isReady();
        } catch (RuntimeException e) {
          return; // the container's onWritePossible or onError will tell
        }
      }
      drain();
    }

    /** Starts the pending write if the output is ready; completes it if it went out at once. */
    private void drain() {
      Transport.SendCallback done;
      Throwable failure = null;
      synchronized (this) {
        byte[][] chunks = pending;
        done = pendingDone;
        if (chunks == null || done == null || !ready || awaiting != null) {
          return;
        }
        pending = null;
        pendingDone = null;
        try {
          if (!out.isReady()) {
            ready = false;
            pending = chunks; // not started: onWritePossible starts it
            pendingDone = done;
            return;
          }
          for (byte[] c : chunks) {
            out.write(c);
          }
          unflushed = true;
          if (out.isReady()) {
            unflushed = false;
            out.flush();
          }
          if (!out.isReady()) {
            ready = false;
            awaiting = done;
            return;
          }
        } catch (IOException | RuntimeException e) {
          failure = e;
        }
      }
      done.completed(failure);
    }

    @Override
    public void end() {
      if (ended.compareAndSet(false, true)) {
        try {
          async.complete();
        } catch (RuntimeException e) {
          // Completed or failed already: the container is done with it.
        }
        finished();
      }
    }

    /**
     * The portable API has no way to drop a connection: the response is completed, which most
     * containers follow by closing a connection whose output they could not flush.
     */
    @Override
    public void abort() {
      end();
    }

    private void finished() {
      SseSessions.Stream s = stream;
      if (s != null) {
        s.ended();
      }
      Transport.SendCallback waiting;
      synchronized (this) {
        waiting = awaiting != null ? awaiting : pendingDone;
        awaiting = null;
        pending = null;
        pendingDone = null;
      }
      if (waiting != null) {
        waiting.completed(new IOException("the event stream has ended"));
      }
    }

    private void gone() {
      if (ended.compareAndSet(false, true)) {
        finished();
      }
    }

    @Override
    public void onError(Throwable t) {
      gone();
    }

    @Override
    public void onComplete(AsyncEvent event) {
      gone();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      gone();
    }

    @Override
    public void onError(AsyncEvent event) {
      gone();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }
}
