package dev.switchboard.standalone;

import dev.switchboard.http.ApiRequest;
import dev.switchboard.http.ApiResponse;
import dev.switchboard.http.HttpApi;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** Serves the {@link HttpApi} on Grizzly. */
final class ApiHandler extends HttpHandler {
  private final HttpApi api;

  ApiHandler(HttpApi api) {
    this.api = api;
  }

  @Override
  public void service(Request request, Response response) throws Exception {
    ApiResponse r =
        api.handle(
            new ApiRequest(
                request.getMethod().getMethodString(),
                request.getRequestURI(),
                request.getQueryString(),
                request::getHeader,
                ApiRequest.address(request.getRemoteAddr()),
                request.getContentLengthLong(),
                request.getInputStream()));
    response.setStatus(HttpStatuses.of(r.status()));
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    response.setHeader("Cache-Control", "no-store");
    byte[] body = r.json().getBytes(StandardCharsets.UTF_8);
    response.setContentType("application/json;charset=UTF-8");
    response.setContentLength(body.length);
    if (!request.getMethod().getMethodString().equals("HEAD")) {
      response.getOutputStream().write(body);
    }
  }
}
