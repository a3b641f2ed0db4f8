package dev.switchboard.war;

import dev.switchboard.assembly.ServerAssembly;
import dev.switchboard.web.Deployments;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The application of {@link LibraryModeIT}: someone else's web application that put Switchboard's
 * jars in its WEB-INF/lib. {@code GET /hello} is its own page; {@code POST /notify?channel=C}
 * publishes {@code {"from":"host"}} to C through the running Switchboard, found by the
 * application's class loader.
 */
@WebServlet({"/hello", "/notify"})
public class HostServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/plain;charset=UTF-8");
    resp.getWriter().write("hello from the host application");
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    ServerAssembly switchboard = Deployments.of(HostServlet.class.getClassLoader());
    if (switchboard == null) {
      resp.sendError(503, "no Switchboard in this application");
      return;
    }
    try {
      switchboard
          .channels()
          .publish(req.getParameter("channel"), "{\"from\":\"host\"}")
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(e);
    }
    resp.setContentType("text/plain;charset=UTF-8");
    resp.getWriter().write("published");
  }
}
