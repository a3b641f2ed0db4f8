package dev.switchboard.web;

import dev.switchboard.hub.HandshakeResult;
import dev.switchboard.hub.HubMetrics;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Handshake;
import dev.switchboard.protocol.ServerMessageEncoder;
import dev.switchboard.server.OriginPolicy;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/**
 * Mapped to the WebSocket paths ({@code /ws}, {@code /echo}), it only sees the requests the
 * container did not upgrade, and answers them the way the standalone server does, with the API's
 * JSON error body:
 *
 * <ul>
 *   <li>not a WebSocket handshake at all (a browser opening {@code /ws}): 426 with {@code Upgrade:
 *       websocket}, or 400 for a broken one;
 *   <li>a valid handshake from an origin that is not allowed: 403. Most containers answer that
 *       themselves when {@code checkOrigin} refuses; Undertow (WildFly) instead lets the request
 *       fall through to the servlets, where it would get 404;
 *   <li>a valid handshake from an allowed origin that the container still refused: 400.
 * </ul>
 *
 * <p>The origin refusal is counted where it was decided, in the configurator; the others here.
 */
final class EndpointPathsServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient OriginPolicy origins;
  private final transient HubMetrics metrics;
  private final transient Runnable onDestroy;

  /**
   * @param onDestroy run when the container takes the servlet out of service (see {@link #destroy})
   */
  EndpointPathsServlet(OriginPolicy origins, HubMetrics metrics, Runnable onDestroy) {
    this.origins = origins;
    this.metrics = metrics;
    this.onDestroy = onDestroy;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Handshake.Problem problem =
        Handshake.problem(
            req.getMethod(), req.getProtocol(), name -> Collections.list(req.getHeaders(name)));
    if (problem != null) {
      metrics.handshakeRefused(HandshakeResult.REFUSED_MALFORMED);
      metrics.error(ErrorCode.MALFORMED);
      if (problem.status() == 426) {
        Handshake.upgradeRequiredHeaders().forEach(h -> resp.setHeader(h[0], h[1]));
      }
      refuse(req, resp, problem.status(), ErrorCode.MALFORMED, problem.message());
    } else if (!origins.allows(req.getHeader("Origin"))) {
      metrics.error(ErrorCode.UNAUTHORIZED);
      refuse(
          req,
          resp,
          403,
          ErrorCode.UNAUTHORIZED,
          "origin " + req.getHeader("Origin") + " is not allowed");
    } else {
      metrics.handshakeRefused(HandshakeResult.REFUSED_CONTAINER);
      metrics.error(ErrorCode.MALFORMED);
      refuse(
          req,
          resp,
          400,
          ErrorCode.MALFORMED,
          "the server's WebSocket container refused this handshake");
    }
  }

  /**
   * Servlets are taken out of service before the context's listeners hear of its end. Some
   * containers (Undertow) close every WebSocket session themselves in between, with an empty
   * reason; closing them here first lets the clients hear why.
   */
  @Override
  public void destroy() {
    onDestroy.run();
  }

  private static void refuse(
      HttpServletRequest req, HttpServletResponse resp, int status, ErrorCode code, String message)
      throws IOException {
    byte[] body = ServerMessageEncoder.error(code, message).getBytes(StandardCharsets.UTF_8);
    resp.setStatus(status);
    resp.setHeader("Cache-Control", "no-store");
    // Grizzly (GlassFish, Payara) takes any response with an Upgrade header for a protocol switch,
    // drops its length and keeps the connection open: the client would read until the keep-alive
    // timeout. A refusal ends the connection, as on the standalone server.
    resp.setHeader("Connection", "close");
    resp.setContentType("application/json;charset=UTF-8");
    resp.setContentLength(body.length);
    if (!req.getMethod().equals("HEAD")) {
      resp.getOutputStream().write(body);
    }
  }
}
