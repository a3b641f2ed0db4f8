package dev.switchboard.docs;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.AttributeProvider;
import org.commonmark.renderer.html.HtmlRenderer;
import org.jspecify.annotations.Nullable;

/**
 * One Markdown document as a small HTML page in the site's style. Links are written for reading the
 * repository ({@code SECURITY.md#limits}, {@code ../server-config/README.md}); on the server the
 * docs folder is {@code /docs/} and the configuration guide sits under it, so each relative link is
 * resolved as a repository path and written again relative to where the page is served. Heading ids
 * follow GitHub's rule, so the fragments in those links land on their headings.
 */
final class MarkdownPage {
  /** Where repository folders are served, relative to {@code /docs/}. */
  private static final Map<String, String> SERVED =
      Map.of("docs/", "", "server-config/", "server-config/");

  private static final List<Extension> EXTENSIONS =
      List.of(TablesExtension.create(), HeadingAnchorExtension.create());
  private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();

  private MarkdownPage() {}

  /** The page for the document served at {@code path} (relative to {@code /docs/}). */
  static String render(String path, String markdown) {
    Node doc = PARSER.parse(markdown);
    HtmlRenderer renderer =
        HtmlRenderer.builder()
            .extensions(EXTENSIONS)
            .attributeProviderFactory(context -> rewriteLinks(path))
            .build();
    String title = firstHeading(doc);
    return wrap(path, title == null ? path : title, renderer.render(doc));
  }

  /** The first heading's text, or null when the document has none. */
  static @Nullable String title(String markdown) {
    return firstHeading(PARSER.parse(markdown));
  }

  /**
   * The HTML page around {@code body}: UTF-8 declared in the page as well as in the header, the
   * site's stylesheet and icon, and the way back to the pages and the index.
   */
  static String wrap(String path, String title, String body) {
    String up = "../".repeat(depth(path) + 1);
    return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>"
        + escape(title)
        + " · Switchboard</title>\n"
        + "<link rel=\"stylesheet\" href=\""
        + up
        + "css/switchboard.css\">\n"
        + "<link rel=\"icon\" href=\""
        + up
        + "favicon.svg\" type=\"image/svg+xml\">\n"
        + "</head>\n<body>\n<header class=\"top\">\n<span class=\"brand\">Switchboard</span>\n"
        + "<a href=\""
        + up
        + "\">Home</a>\n"
        + "<a href=\""
        + (depth(path) == 0 ? "./" : "../".repeat(depth(path)))
        + "\">Documentation</a>\n"
        + "</header>\n<main class=\"doc\">\n"
        + body
        + "</main>\n</body>\n</html>\n";
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static @Nullable String firstHeading(Node doc) {
    for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof Heading) {
        StringBuilder text = new StringBuilder();
        collectText(n, text);
        return text.toString();
      }
    }
    return null;
  }

  private static void collectText(Node node, StringBuilder into) {
    for (Node n = node.getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof Text t) {
        into.append(t.getLiteral());
      } else {
        collectText(n, into);
      }
    }
  }

  private static AttributeProvider rewriteLinks(String path) {
    return (node, tag, attributes) -> {
      if (node instanceof Link) {
        attributes.computeIfPresent("href", (k, href) -> served(path, href));
      } else if (node instanceof Image) {
        attributes.computeIfPresent("src", (k, src) -> served(path, src));
      }
    };
  }

  /**
   * {@code href} as written in the repository copy of the page at {@code path}, rewritten for the
   * served copy. Absolute links, fragments and links to files that are not served stay as written.
   */
  static String served(String path, String href) {
    if (href.isEmpty()
        || href.startsWith("#")
        || href.startsWith("/")
        || URI.create(href.replace(" ", "%20")).isAbsolute()) {
      return href;
    }
    int hash = href.indexOf('#');
    String target = hash < 0 ? href : href.substring(0, hash);
    String fragment = hash < 0 ? "" : href.substring(hash);
    String resolved =
        URI.create("/" + repositoryPath(path))
            .resolve(target.replace(" ", "%20"))
            .getPath()
            .substring(1);
    for (Map.Entry<String, String> folder : SERVED.entrySet()) {
      if (resolved.startsWith(folder.getKey())) {
        String site = folder.getValue() + resolved.substring(folder.getKey().length());
        return "../".repeat(depth(path)) + site + fragment;
      }
    }
    return href;
  }

  private static String repositoryPath(String path) {
    return path.startsWith("server-config/") ? path : "docs/" + path;
  }

  /** Folders between {@code /docs/} and the page. */
  private static int depth(String path) {
    return (int) path.chars().filter(c -> c == '/').count();
  }
}
