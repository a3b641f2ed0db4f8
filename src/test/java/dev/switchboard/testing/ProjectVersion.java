package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version written in {@code pom.xml}, read from the file itself rather than from anything the
 * build produced, so a test comparing against it notices when a build output disagrees.
 */
public final class ProjectVersion {
  /**
   * The project's own version: the first {@code <version>} after our artifactId, before any parent
   * or dependency.
   */
  private static final Pattern VERSION =
      Pattern.compile("<artifactId>switchboard</artifactId>\\s*<version>([^<]+)</version>");

  private ProjectVersion() {}

  /** The POM's version; tests run with the project directory as their working directory. */
  public static String fromPom() {
    try {
      Matcher m = VERSION.matcher(Files.readString(Path.of("pom.xml")));
      if (!m.find()) {
        throw new IllegalStateException(
            "no <version> after <artifactId>switchboard</artifactId> in pom.xml");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
