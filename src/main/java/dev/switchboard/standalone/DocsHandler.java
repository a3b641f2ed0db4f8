package dev.switchboard.standalone;

import dev.switchboard.docs.DocsSite;
import java.util.Optional;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves the {@link DocsSite} at {@code /docs/} from the docs packaged under {@code webapp/docs/}.
 */
final class DocsHandler extends HttpHandler {
  private final DocsSite site =
      new DocsSite(
          path -> DocsHandler.class.getClassLoader().getResourceAsStream("webapp/docs/" + path));

  @Override
  public void service(Request request, Response response) throws Exception {
    Method method = request.getMethod();
    if (method != Method.GET && method != Method.HEAD) {
      response.setHeader("Allow", "GET, HEAD");
      response.sendError(405);
      return;
    }
    // Grizzly decodes the bare handler path "/docs" to "", so that one is matched as sent.
    if (request.getRequestURI().equals("/docs")) {
      StaticPages.redirect(response, "/docs/");
      return;
    }
    String uri = request.getDecodedRequestURI();
    Optional<DocsSite.Page> page =
        uri.startsWith("/docs/") ? site.get(uri.substring("/docs/".length())) : Optional.empty();
    if (page.isEmpty()) {
      response.sendError(404);
      return;
    }
    StaticPages.send(request, response, page.get().contentType(), page.get().body());
  }
}
