package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.RawWsClient;
import dev.switchboard.testing.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages, the docs and the error pages of the standalone server as a browser or curl meets them,
 * over raw HTTP/1.1 so the exact head and body bytes are seen.
 */
class PagesHttpTest {
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void headOnAPageAnswersLikeGetWithoutTheBody() throws IOException {
    for (String target :
        new String[] {
          "/", "/index.html", "/chat.html", "/css/switchboard.css", "/docs/", "/docs/PROTOCOL.md"
        }) {
      Answer get = exchange(server, "GET", target);
      Answer head = exchange(server, "HEAD", target);
      assertThat(head.statusLine()).as(target).isEqualTo("HTTP/1.1 200 OK");
      assertThat(head.header("Content-Type")).as(target).isEqualTo(get.header("Content-Type"));
      assertThat(head.header("Content-Length"))
          .as(target)
          .isEqualTo(Integer.toString(get.body().length));
      assertThat(head.body()).as(target).isEmpty();
    }
  }

  @Test
  void textIsSentAsUtf8() throws IOException {
    assertThat(exchange(server, "GET", "/chat.html").header("Content-Type"))
        .isEqualTo("text/html;charset=UTF-8");
    assertThat(exchange(server, "GET", "/js/switchboard.js").header("Content-Type"))
        .isEqualTo("text/javascript;charset=UTF-8");
    assertThat(exchange(server, "GET", "/favicon.svg").header("Content-Type"))
        .isEqualTo("image/svg+xml");
  }

  @Test
  void theDocsAreHtmlPagesInUtf8WithAnIndex() throws IOException {
    Answer protocol = exchange(server, "GET", "/docs/PROTOCOL.md");
    assertThat(protocol.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
    assertThat(protocol.text()).contains("<h2 id=\"limits\">Limits</h2>", "≤").doesNotContain("â");

    Answer index = exchange(server, "GET", "/docs/");
    assertThat(index.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
    assertThat(index.text())
        .contains(
            "href=\"CLUSTER.md\"", "href=\"PROTOCOL.md\"", "href=\"server-config/README.md\"");

    Answer bare = exchange(server, "GET", "/docs");
    assertThat(bare.statusLine()).isEqualTo("HTTP/1.1 301 Moved Permanently");
    assertThat(bare.header("Location")).isEqualTo("/docs/");

    assertThat(exchange(server, "GET", "/docs/server-config/README.md").text())
        .contains("href=\"../SECURITY.md");
    assertThat(exchange(server, "GET", "/docs/performance-compare.png").header("Content-Type"))
        .isEqualTo("image/png");
  }

  @Test
  void errorPagesAreTheServersOwnSmallPlainPages() throws IOException {
    for (String target : new String[] {"/no-such-page.html", "/docs/NO-SUCH.md", "/css/"}) {
      Answer a = exchange(server, "GET", target);
      assertThat(a.statusLine()).as(target).isEqualTo("HTTP/1.1 404 Not Found");
      assertOwnPage(a, "404 Not Found");
    }
    Answer post = exchange(server, "POST", "/index.html");
    assertThat(post.statusLine()).isEqualTo("HTTP/1.1 405 Method Not Allowed");
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
    assertOwnPage(post, "405 Method Not Allowed");
  }

  @Test
  void aStaticDirectoryAnswersHeadAndItsOwnErrorPagesToo(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("index.html"), "<p>inside · ≤</p>");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub").resolve("index.html"), "<p>sub</p>");
    StandaloneServer files = TestServers.start(Map.of("static.dir", dir.toString()));
    try {
      Answer head = exchange(files, "HEAD", "/");
      assertThat(head.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(head.header("Content-Length"))
          .isEqualTo(Integer.toString("<p>inside · ≤</p>".getBytes(StandardCharsets.UTF_8).length));
      assertThat(exchange(files, "GET", "/").text()).isEqualTo("<p>inside · ≤</p>");
      assertThat(exchange(files, "GET", "/sub").header("Location")).isEqualTo("/sub/");
      assertThat(exchange(files, "GET", "/sub/").text()).isEqualTo("<p>sub</p>");
      assertOwnPage(exchange(files, "GET", "/missing.html"), "404 Not Found");
    } finally {
      files.stop(Duration.ofSeconds(1));
    }
  }

  private static void assertOwnPage(Answer a, String title) {
    assertThat(a.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
    assertThat(a.text())
        .contains("<title>" + title + "</title>")
        .doesNotContainIgnoringCase("grizzly");
    assertThat(a.body().length).as("small").isLessThan(400);
  }

  /** One raw request on its own connection, which the server closes after answering. */
  private static Answer exchange(StandaloneServer s, String method, String target)
      throws IOException {
    String request =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + s.port()
            + "\r\nConnection: close\r\n"
            + (method.equals("POST") ? "Content-Length: 0\r\n" : "")
            + "\r\n";
    return Answer.of(RawWsClient.exchange("127.0.0.1", s.port(), request, 5000));
  }

  /** A raw response: status line, headers, and the body as the bytes sent (ISO-8859-1 chars). */
  private record Answer(String statusLine, String headers, byte[] body) {
    static Answer of(String raw) {
      int end = raw.indexOf("\r\n\r\n");
      String head = end < 0 ? raw : raw.substring(0, end);
      int eol = head.indexOf("\r\n");
      return new Answer(
          eol < 0 ? head : head.substring(0, eol),
          eol < 0 ? "" : head.substring(eol + 2),
          end < 0 ? new byte[0] : raw.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1));
    }

    String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
