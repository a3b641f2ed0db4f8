package dev.switchboard.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The docs site over the repository's own docs and configuration guide. */
class DocsSiteTest {
  private static final Pattern LINK = Pattern.compile("(?:href|src)=\"([^\"]*)\"");
  private final DocsSite site = new DocsSite(DocsSiteTest::open);

  @Test
  void everyDocumentIsOnTheIndex() throws IOException {
    List<String> listed = DocsSite.INDEX.stream().map(DocsSite.Entry::path).toList();
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      assertThat(listed)
          .containsAll(
              files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md")).toList());
    }
    String index = html("");
    for (String path : listed) {
      assertThat(index).contains("href=\"" + path + "\"");
    }
  }

  @Test
  void aDocumentIsAnHtmlPageInUtf8WithItsTextIntact() {
    DocsSite.Page page = site.get("PROTOCOL.md").orElseThrow();
    assertThat(page.contentType()).isEqualTo("text/html;charset=UTF-8");
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertThat(html)
        .startsWith("<!doctype html>")
        .contains(
            "<meta charset=\"utf-8\">", "<title>Switchboard hub protocol v1 · Switchboard</title>");
    assertThat(html).contains("<table>", "≤", "·").doesNotContain("Â", "â€", "â‰");
  }

  @Test
  void everyRelativeLinkInEveryPageReachesAPageAndItsHeading() {
    List<String> pages = new ArrayList<>(List.of(""));
    DocsSite.INDEX.forEach(e -> pages.add(e.path()));
    List<String> checked = new ArrayList<>();
    for (String page : pages) {
      Matcher m = LINK.matcher(html(page));
      while (m.find()) {
        URI target =
            URI.create("http://host/docs/" + page).resolve(m.group(1).replace("&amp;", "&"));
        if (!target.getHost().equals("host") || !target.getPath().startsWith("/docs/")) {
          continue; // another site, or the pages, stylesheet and icon above /docs/
        }
        String path = target.getPath().substring("/docs/".length());
        assertThat(site.get(path)).as(page + " links " + m.group(1)).isPresent();
        if (target.getFragment() != null && path.endsWith(".md")) {
          assertThat(html(path))
              .as(page + " links " + m.group(1))
              .contains("id=\"" + target.getFragment() + "\"");
        }
        checked.add(page + " -> " + m.group(1));
      }
    }
    assertThat(checked)
        .contains(
            "PROTOCOL.md -> SECURITY.md#authentication-and-authorization",
            "PROTOCOL.md -> server-config/README.md#namespaces",
            "CLUSTER.md -> SECURITY.md#the-http-api-behind-a-proxy",
            "server-config/README.md -> ../SECURITY.md#the-http-api-behind-a-proxy",
            "PERFORMANCE.md -> performance-compare.png");
  }

  @Test
  void pathsThatLeaveTheFolderOrNameNoDocumentAreNotServed() {
    assertThat(site.get("../pom.xml")).isEmpty();
    assertThat(site.get("server-config/../../pom.xml")).isEmpty();
    assertThat(site.get("/etc/passwd")).isEmpty();
    assertThat(site.get("NOPE.md")).isEmpty();
    assertThat(site.get("server-config/")).isEmpty();
    assertThat(site.get("server-config/switchboard.properties").orElseThrow().contentType())
        .isEqualTo("text/plain;charset=UTF-8");
    assertThat(site.get("server-config/grafana-dashboard.json").orElseThrow().contentType())
        .isEqualTo("application/json;charset=UTF-8");
  }

  private String html(String path) {
    return new String(site.get(path).orElseThrow().body(), StandardCharsets.UTF_8);
  }

  private static InputStream open(String path) {
    Path file = path.startsWith("server-config/") ? Path.of(path) : Path.of("docs", path);
    try {
      return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
