package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Chromium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README's "Start here" is what a new user follows on a fresh machine: the prerequisites must come
 * before the first command that needs them, the install line must be the one the tests' own failure
 * message gives, and the two top commands must be the ones that work (CI runs the test command
 * verbatim).
 */
class ReadmeStartHereTest {
  private static final String RUN =
      "mvn -B -q package -DskipTests && java -jar target/switchboard.jar";
  private static final String TEST = "mvn -B verify";

  @Test
  void prerequisitesComeBeforeTheCommandsThatNeedThem() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    String start =
        readme.substring(
            readme.indexOf("## Start here"),
            readme.indexOf("\n## ", readme.indexOf("## Start here") + 1));

    int jdk = start.indexOf("JDK 17");
    int maven = start.indexOf("Maven");
    int install = start.indexOf(Chromium.INSTALL_COMMAND);
    int run = start.indexOf(RUN);
    int test = start.indexOf(TEST);
    assertThat(jdk).as("JDK 17 named").isNotNegative().isLessThan(run);
    assertThat(maven).as("Maven named").isNotNegative().isLessThan(run);
    assertThat(install)
        .as("the install command of Chromium's failure message")
        .isNotNegative()
        .isLessThan(run);
    assertThat(test).as("the test command").isGreaterThan(run);
  }

  @Test
  void continuousIntegrationRunsTheReadmesTestCommandVerbatim() throws IOException {
    assertThat(Files.readAllLines(Path.of(".ci/run"), StandardCharsets.UTF_8)).contains(TEST);
  }
}
