package dev.switchboard.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The pages under {@code /docs/}: each {@code .md} file is answered as an HTML page rendered from
 * it ({@link MarkdownPage}), so {@code /docs/PROTOCOL.md} — the address the home page, the README
 * and the docs' own links already use — reads as a page in a browser, with {@code
 * text/html;charset=UTF-8} on every server. {@code /docs/} is an index of the documents; pictures
 * and the configuration examples are passed through with their own types.
 *
 * <p>The files come from {@code source}, which opens a path relative to the docs folder (the
 * classpath, {@code webapp/docs/}: the standalone jar and the library jar carry it) or returns null
 * when there is none. Rendered pages are kept: the files are part of the build and never change
 * while the server runs. Thread-safe.
 */
public final class DocsSite {
  /** A page to send: the body is sent for GET and left out for HEAD by the adapter. */
  public record Page(String contentType, byte[] body) {}

  /**
   * What the index lists, in reading order, with the line under each title. A test keeps it in step
   * with {@code docs/*.md}, so a new document cannot be left off.
   */
  static final List<Entry> INDEX =
      List.of(
          new Entry(
              "PROTOCOL.md",
              "The hub protocol: commands, replies, close codes, recovery and limits."),
          new Entry(
              "SECURITY.md",
              "Threat model, tokens, the standalone server's gate, limits, WARs, proxies and TLS."),
          new Entry(
              "CONTAINERS.md",
              "The WAR on Tomcat, Jetty, WildFly, Open Liberty, GlassFish and Payara: deploy,"
                  + " configure, differences."),
          new Entry(
              "JAKARTA-EE.md",
              "Switchboard inside a Jakarta EE application: @Inject Channels, CDI events,"
                  + " decisions, publishing after commit."),
          new Entry(
              "CLUSTER.md",
              "Several nodes on Redis: set-up, behind nginx, failures and guarantees."),
          new Entry(
              "INTEGRATION.md",
              "Connecting other systems: the application's backend deciding over HTTP (proxy),"
                  + " and Kafka topics and Jakarta Messaging destinations into channels."),
          new Entry("PERFORMANCE.md", "What was measured, how, and what it means for sizing."),
          new Entry(
              "server-config/README.md", "The configuration file, TLS and the nginx examples."));

  /** One document on the index page. */
  record Entry(String path, String summary) {}

  /** Types of the files passed through as they are; anything else is not served. */
  private static final Map<String, String> TYPES =
      Map.of(
          "png", "image/png",
          "svg", "image/svg+xml",
          "properties", "text/plain;charset=UTF-8",
          "conf", "text/plain;charset=UTF-8",
          "service", "text/plain;charset=UTF-8",
          "json", "application/json;charset=UTF-8");

  static final String HTML = "text/html;charset=UTF-8";

  private final Function<String, @Nullable InputStream> source;
  private final Map<String, Page> rendered = new ConcurrentHashMap<>();

  /** {@code source} opens a path relative to the docs folder, or returns null when it has none. */
  public DocsSite(Function<String, @Nullable InputStream> source) {
    this.source = source;
  }

  /**
   * The page at {@code path}, relative to {@code /docs/} and already percent-decoded ({@code ""} is
   * the index); empty when there is none, and for any path that tries to leave the folder.
   */
  public Optional<Page> get(String path) {
    if (!safe(path)) {
      return Optional.empty();
    }
    if (path.isEmpty()) {
      return Optional.of(rendered.computeIfAbsent("", p -> index()));
    }
    String ext = extension(path);
    if (ext.equals("md")) {
      Page cached = rendered.get(path);
      if (cached != null) {
        return Optional.of(cached);
      }
      return read(path).map(md -> rendered.computeIfAbsent(path, p -> markdown(p, md)));
    }
    String type = TYPES.get(ext);
    return type == null ? Optional.empty() : read(path).map(bytes -> new Page(type, bytes));
  }

  private Page markdown(String path, byte[] md) {
    String html = MarkdownPage.render(path, new String(md, StandardCharsets.UTF_8));
    return new Page(HTML, html.getBytes(StandardCharsets.UTF_8));
  }

  private Page index() {
    StringBuilder list = new StringBuilder("<h1>Documentation</h1>\n<ul class=\"docs\">\n");
    for (Entry e : INDEX) {
      String title =
          read(e.path())
              .map(md -> MarkdownPage.title(new String(md, StandardCharsets.UTF_8)))
              .orElse(null);
      if (title != null) {
        list.append("<li><a href=\"")
            .append(e.path())
            .append("\">")
            .append(MarkdownPage.escape(title))
            .append("</a> — ")
            .append(MarkdownPage.escape(e.summary()))
            .append("</li>\n");
      }
    }
    list.append("</ul>\n");
    return new Page(
        HTML,
        MarkdownPage.wrap("", "Documentation", list.toString()).getBytes(StandardCharsets.UTF_8));
  }

  private Optional<byte[]> read(String path) {
    try (InputStream in = source.apply(path)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read docs/" + path, e);
    }
  }

  /**
   * Plain relative names only: no {@code ..}, no absolute or backslash paths, no empty segments.
   */
  private static boolean safe(String path) {
    if (path.isEmpty()) {
      return true;
    }
    if (path.startsWith("/")
        || path.contains("\\")
        || path.indexOf('\0') >= 0
        || path.endsWith("/")) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static String extension(String path) {
    int dot = path.lastIndexOf('.');
    return dot < path.lastIndexOf('/') + 1 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
