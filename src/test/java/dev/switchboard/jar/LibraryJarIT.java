package dev.switchboard.jar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ProjectVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/switchboard-jakarta.jar} as an application adds it: installed with the README's
 * command, then depended on from a throwaway web application. Its WAR must carry the library with
 * exactly the run-time jars switchboard.war carries (which the WAR tests run on in six containers),
 * less the SLF4J provider the application chooses, and none of what the container provides.
 *
 * <p>Maven runs offline against the build's own local repository, like {@link ClientJarIT}.
 */
class LibraryJarIT {
  /** The container's, or the standalone server's and the tools': never in an application. */
  private static final List<String> NOT_IN_AN_APPLICATION =
      List.of("jakarta.", "tyrus-", "grizzly-", "picocli-", "HdrHistogram-", "switchboard-client");

  /**
   * switchboard.war carries an SLF4J provider; the library leaves that choice to the application.
   */
  private static final String SLF4J_PROVIDER = "slf4j-jdk14-";

  @TempDir Path dir;

  @Test
  void theInstalledLibraryBringsExactlyTheRunTimeJarsOfTheWarAndNoContainerApi() throws Exception {
    String version = ProjectVersion.fromPom();
    Path jakartaJar =
        Path.of(
                System.getProperty(
                    "test.switchboard.jakarta.jar", "target/switchboard-jakarta.jar"))
            .toAbsolutePath();
    Commands.run(
        dir,
        Path.of("").toAbsolutePath(),
        Commands.mvn("install:install-file", "-Dfile=" + jakartaJar));

    Path app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("pom.xml"), applicationPom(version));
    Commands.run(dir, app, Commands.mvn("package", "-DskipTests"));
    Set<String> appLib = lib(app.resolve("target/app-1.war"));
    Set<String> warLib =
        lib(Path.of(System.getProperty("test.switchboard.war", "target/switchboard.war")));

    assertThat(appLib)
        .contains("switchboard-jakarta-" + version + ".jar")
        .noneMatch(j -> NOT_IN_AN_APPLICATION.stream().anyMatch(j::startsWith));
    Set<String> expected =
        warLib.stream()
            .filter(j -> !j.startsWith(SLF4J_PROVIDER))
            .map(
                j ->
                    j.equals("switchboard-jakarta.jar")
                        ? "switchboard-jakarta-" + version + ".jar"
                        : j)
            .collect(Collectors.toSet());
    assertThat(appLib).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static Set<String> lib(Path war) throws IOException {
    try (ZipFile zip = new ZipFile(war.toFile())) {
      return zip.stream()
          .map(ZipEntry::getName)
          .filter(n -> n.startsWith("WEB-INF/lib/") && n.endsWith(".jar"))
          .map(n -> n.substring("WEB-INF/lib/".length()))
          .collect(Collectors.toSet());
    }
  }

  /** A web application with the library and nothing else; plugins at this build's versions. */
  private static String applicationPom(String version) {
    return """
    <project xmlns="http://maven.apache.org/POM/4.0.0">
      <modelVersion>4.0.0</modelVersion>
      <groupId>example</groupId>
      <artifactId>app</artifactId>
      <version>1</version>
      <packaging>war</packaging>
      <properties>
        <maven.compiler.release>17</maven.compiler.release>
        <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
      </properties>
      <dependencies>
        <dependency>
          <groupId>dev.switchboard</groupId>
          <artifactId>switchboard-jakarta</artifactId>
          <version>%s</version>
        </dependency>
      </dependencies>
      <build>
        <plugins>
          <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
          <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
          <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
          <plugin>
            <artifactId>maven-war-plugin</artifactId>
            <version>3.4.0</version>
            <configuration><failOnMissingWebXml>false</failOnMissingWebXml></configuration>
          </plugin>
        </plugins>
      </build>
    </project>
    """
        .formatted(version);
  }
}
