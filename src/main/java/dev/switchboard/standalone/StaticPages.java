package dev.switchboard.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.jspecify.annotations.Nullable;

/**
 * The web pages: {@code webapp/} from the classpath, or the folder named by {@code static.dir}.
 * Grizzly's own static handlers answer HEAD with 405 (they only know GET) and send text without a
 * charset, which browsers then read as windows-1252; this one answers HEAD like GET without the
 * body, names UTF-8 on every text type, and sends its 404s and 405s through {@link ErrorPages}.
 *
 * <p>The pages are a few small files, read whole for each request; nothing is cached, so a page
 * edited in {@code static.dir} is served as soon as it is saved. Thread-safe (no state).
 */
final class StaticPages extends HttpHandler {
  /** By file extension; anything else is sent as bytes. */
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html;charset=UTF-8"),
          Map.entry("css", "text/css;charset=UTF-8"),
          Map.entry("js", "text/javascript;charset=UTF-8"),
          Map.entry("mjs", "text/javascript;charset=UTF-8"),
          Map.entry("json", "application/json;charset=UTF-8"),
          Map.entry("txt", "text/plain;charset=UTF-8"),
          Map.entry("md", "text/markdown;charset=UTF-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("wasm", "application/wasm"));

  private static final String BYTES = "application/octet-stream";

  /** The folder served, or null to serve {@code webapp/} from the classpath. */
  private final @Nullable Path dir;

  private StaticPages(@Nullable Path dir) {
    this.dir = dir;
  }

  static StaticPages classpath() {
    return new StaticPages(null);
  }

  static StaticPages folder(Path dir) {
    return new StaticPages(dir.toAbsolutePath().normalize());
  }

  @Override
  public void service(Request request, Response response) throws Exception {
    Method method = request.getMethod();
    if (method != Method.GET && method != Method.HEAD) {
      response.setHeader("Allow", "GET, HEAD");
      response.sendError(405);
      return;
    }
    String path = request.getDecodedRequestURI();
    if (!path.startsWith("/")
        || path.contains("\\")
        || path.indexOf('\0') >= 0
        || hasDotSegment(path)) {
      response.sendError(404);
      return;
    }
    String name = path.endsWith("/") ? path.substring(1) + "index.html" : path.substring(1);
    Optional<byte[]> body = read(name);
    if (body.isEmpty() && !path.endsWith("/") && read(name + "/index.html").isPresent()) {
      redirect(response, path + "/"); // so the folder's relative links resolve inside it
      return;
    }
    if (body.isEmpty()) {
      response.sendError(404);
      return;
    }
    send(request, response, TYPES.getOrDefault(extension(name), BYTES), body.get());
  }

  /** Sends {@code body} with its type and length; for HEAD, the same head and no body. */
  static void send(Request request, Response response, String contentType, byte[] body)
      throws IOException {
    response.setContentType(contentType);
    response.setContentLength(body.length);
    if (request.getMethod() != Method.HEAD) {
      response.getOutputStream().write(body);
    }
  }

  /** A permanent redirect to a path on this server, without a body. */
  static void redirect(Response response, String path) {
    response.setStatus(HttpStatus.MOVED_PERMANENTLY_301);
    response.setHeader("Location", path);
    response.setContentLength(0);
  }

  private Optional<byte[]> read(String name) throws IOException {
    if (dir != null) {
      Path file = dir.resolve(name).normalize();
      return file.startsWith(dir) && Files.isRegularFile(file)
          ? Optional.of(Files.readAllBytes(file))
          : Optional.empty();
    }
    URL url = StaticPages.class.getClassLoader().getResource("webapp/" + name);
    if (url == null || isFolder(url)) {
      return Optional.empty();
    }
    try (InputStream in = url.openStream()) {
      return Optional.of(in.readAllBytes());
    }
  }

  /**
   * Class loaders also answer for folders (a listing, or an empty jar entry): those are no page.
   */
  private static boolean isFolder(URL url) throws IOException {
    if (url.getProtocol().equals("file")) {
      try {
        return !Files.isRegularFile(Path.of(url.toURI()));
      } catch (URISyntaxException e) {
        return true;
      }
    }
    URLConnection c = url.openConnection();
    return c instanceof JarURLConnection jar
        && (jar.getJarEntry() == null || jar.getJarEntry().isDirectory());
  }

  private static boolean hasDotSegment(String path) {
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private static String extension(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    return dot <= slash ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
