package dev.switchboard.web;

import dev.switchboard.docs.DocsSite;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Serves the {@link DocsSite} at {@code /docs/} from the docs packaged under {@code webapp/docs/}
 * in the library jar (as the standalone server does), not from the application's own files. Without
 * it the container's default servlet sends {@code .md} files with no Content-Type (Tomcat) or as
 * text without a charset, and browsers show the UTF-8 as mojibake. HEAD is answered by {@link
 * HttpServlet}'s own {@code doHead}: GET's head without the body.
 */
final class DocsServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient DocsSite site;

  DocsServlet() {
    this.site =
        new DocsSite(
            path -> DocsServlet.class.getClassLoader().getResourceAsStream("webapp/docs/" + path));
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getPathInfo();
    if (path == null) {
      response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
      response.setHeader("Location", request.getContextPath() + "/docs/");
      return;
    }
    Optional<DocsSite.Page> page = site.get(path.substring(1));
    if (page.isEmpty()) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    response.setContentType(page.get().contentType());
    response.setContentLength(page.get().body().length);
    response.getOutputStream().write(page.get().body());
  }
}
