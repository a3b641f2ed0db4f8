package dev.switchboard.standalone;

import dev.switchboard.http.ApiRequest;
import dev.switchboard.http.HttpApi;
import dev.switchboard.http.HttpExchange;
import java.io.IOException;
import java.util.concurrent.Executor;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves the {@link HttpApi} on Grizzly: adapts the request and response to an {@link
 * HttpExchange}, suspended until the API responds.
 */
final class ApiHandler extends HttpHandler {
  private final HttpApi api;

  ApiHandler(HttpApi api) {
    this.api = api;
  }

  @Override
  public void service(Request request, Response response) {
    ApiRequest apiRequest =
        new ApiRequest(
            request.getMethod().getMethodString(),
            request.getRequestURI(),
            request.getQueryString(),
            request::getHeader,
            ApiRequest.address(request.getRemoteAddr()),
            request.getContentLengthLong(),
            request.getInputStream());
    response.suspend();
    api.serve(
        new HttpExchange() {
          @Override
          public ApiRequest request() {
            return apiRequest;
          }

          @Override
          public Executor executor() {
            return request.getRequestExecutor();
          }

          @Override
          public void respond(Reply reply) throws IOException {
            try {
              response.setStatus(HttpStatuses.of(reply.status()));
              reply.headers().forEach(response::setHeader);
              response.setContentType(reply.contentType());
              response.setContentLength(reply.contentLength());
              response.getOutputStream().write(reply.body());
            } finally {
              response.resume();
            }
          }
        });
  }
}
