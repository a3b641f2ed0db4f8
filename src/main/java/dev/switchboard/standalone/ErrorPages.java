package dev.switchboard.standalone;

import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

/**
 * The body of every error page the standalone server sends itself (404, 405, and what Grizzly
 * answers on its own: 413, 500, 503): the status and one plain sentence. Grizzly's default page
 * names the server, carries its logo and style and, for a 500, the exception's stack trace, which
 * is more than a client should learn and nothing it can use.
 *
 * <p>ASCII only; sent as {@code text/html;charset=UTF-8} like every other page (Grizzly would
 * otherwise name ISO-8859-1).
 */
final class ErrorPages implements ErrorPageGenerator {
  @Override
  public String generate(
      Request request, int status, String reasonPhrase, String description, Throwable exception) {
    request.getResponse().setContentType("text/html;charset=UTF-8");
    String title = status + " " + plain(reasonPhrase == null ? "Error" : reasonPhrase);
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + title
        + "</title></head>\n"
        + "<body><h1>"
        + title
        + "</h1>\n<p>"
        + sentence(status)
        + " <a href=\"/\">Home</a></p></body></html>\n";
  }

  private static String sentence(int status) {
    return switch (status) {
      case 404 -> "There is nothing at this address.";
      case 405 -> "This address does not answer that method.";
      case 413 -> "The request is larger than this server accepts.";
      case 503 -> "The server is busy or shutting down; try again shortly.";
      default ->
          status >= 500
              ? "The server failed to answer; the error is in its log."
              : "The request was refused.";
    };
  }

  /** Reason phrases are Grizzly's or ours, but keep markup out whatever they hold. */
  private static String plain(String s) {
    return s.replaceAll("[^A-Za-z0-9 '-]", "");
  }
}
