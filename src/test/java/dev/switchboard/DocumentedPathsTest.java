package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file the documentation names must be in the repository, so a reader who follows a path
 * finds the file (a new user once followed {@code shared/tools/wsload.c}, which lives outside it).
 * Checked: the targets of relative Markdown links, and every path-like word (in prose, inline code
 * and code blocks) that starts with {@code ../}, at a top-level entry of the repository or ends in
 * a file extension. Build output under {@code target/} is exempt: it exists only after a build, and
 * the {@code target/} prefix itself says so; so are paths inside an archive ({@code WEB-INF/...},
 * {@code META-INF/...}).
 */
class DocumentedPathsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();

  /** {@code [text](target)}; the target up to a space, ')' or '#'. */
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]+)");

  /**
   * A relative path of at least two segments, not part of a URL, an absolute path or a longer word
   * ({@code .../cli} is an elision, not a path).
   */
  private static final Pattern PATH =
      Pattern.compile(
          "(?<![\\w/.:@~$-])((?:\\.\\./)*\\.?[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_.-]+)+)");

  /** Extensions that mark a word as a file name even outside the repository's top-level folders. */
  private static final Pattern FILE_NAME =
      Pattern.compile(
          ".*\\.(md|java|c|h|sh|js|mjs|json|properties|conf|html|css|png|xml|txt|py|p12|pem"
              + "|yml|yaml)");

  @Test
  void everyPathInTheDocsExistsInTheRepository() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path doc : documents()) {
      String text = Files.readString(doc, StandardCharsets.UTF_8);
      Matcher link = LINK.matcher(text);
      while (link.find()) {
        String target = link.group(1);
        Path resolved = doc.getParent().resolve(target).normalize();
        if (!target.contains(":") && !(resolved.startsWith(ROOT) && Files.exists(resolved))) {
          missing.add(ROOT.relativize(doc) + ": link " + target);
        }
      }
      Matcher path = PATH.matcher(text);
      while (path.find()) {
        String p = path.group(1).replaceAll("[.]+$", "");
        if (isRepositoryPath(p) && !exists(doc, p)) {
          missing.add(ROOT.relativize(doc) + ": " + p);
        }
      }
    }
    assertThat(missing).as("paths named in the docs that are not in the repository").isEmpty();
  }

  private static boolean isRepositoryPath(String p) {
    if (p.startsWith("../")) {
      return true; // explicitly relative to the document: it must resolve, and inside the
      // repository
    }
    String first = p.substring(0, p.indexOf('/'));
    if (first.equals("target") || first.equals("WEB-INF") || first.equals("META-INF")) {
      return false; // build output, or a path inside a WAR or jar, not in the repository
    }
    return Files.exists(ROOT.resolve(first)) && !first.equals(".")
        || FILE_NAME.matcher(p).matches();
  }

  private static boolean exists(Path doc, String p) {
    Path besideDoc = doc.getParent().resolve(p).normalize();
    if (!besideDoc.startsWith(ROOT)) {
      return false; // outside the repository: a reader of a clone does not have it
    }
    return Files.exists(ROOT.resolve(p)) || Files.exists(besideDoc);
  }

  private static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    for (String dir : List.of("docs", "server-config")) {
      try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
        files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    return docs;
  }
}
