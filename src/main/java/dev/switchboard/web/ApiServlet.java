package dev.switchboard.web;

import dev.switchboard.http.ApiRequest;
import dev.switchboard.http.ApiResponse;
import dev.switchboard.http.HttpApi;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Serves the {@link HttpApi} in a servlet container. */
final class ApiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient HttpApi api;

  ApiServlet(HttpApi api) {
    this.api = api;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    ApiResponse r =
        api.handle(
            new ApiRequest(
                req.getMethod(),
                path,
                req.getQueryString(),
                req::getHeader,
                ApiRequest.address(req.getRemoteAddr()),
                req.getContentLengthLong(),
                req.getInputStream()));
    resp.setStatus(r.status());
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      resp.setHeader(h.getKey(), h.getValue());
    }
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentType("application/json;charset=UTF-8");
    byte[] body = r.json().getBytes(StandardCharsets.UTF_8);
    resp.setContentLength(body.length);
    if (!req.getMethod().equals("HEAD")) {
      resp.getOutputStream().write(body);
    }
  }
}
