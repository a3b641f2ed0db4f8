package dev.switchboard.web;

import dev.switchboard.http.ApiRequest;
import dev.switchboard.http.HttpApi;
import dev.switchboard.http.HttpExchange;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * Serves the {@link HttpApi} in a servlet container: adapts the request and response to an {@link
 * HttpExchange}, in asynchronous mode until the API responds (so the servlet is registered with
 * async support).
 */
final class ApiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient HttpApi api;

  ApiServlet(HttpApi api) {
    this.api = api;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ApiRequest request =
        new ApiRequest(
            req.getMethod(),
            req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo()),
            req.getQueryString(),
            req::getHeader,
            ApiRequest.address(req.getRemoteAddr()),
            req.getContentLengthLong(),
            req.getInputStream());
    AsyncContext async = req.startAsync();
    api.serve(
        new HttpExchange() {
          @Override
          public ApiRequest request() {
            return request;
          }

          @Override
          public Executor executor() {
            return async::start;
          }

          @Override
          public void respond(Reply reply) throws IOException {
            try {
              resp.setStatus(reply.status());
              reply.headers().forEach(resp::setHeader);
              resp.setContentType(reply.contentType());
              resp.setContentLength(reply.contentLength());
              resp.getOutputStream().write(reply.body());
            } finally {
              async.complete();
            }
          }
        });
  }
}
