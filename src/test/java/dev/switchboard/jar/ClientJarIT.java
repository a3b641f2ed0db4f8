package dev.switchboard.jar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.ProjectVersion;
import dev.switchboard.testing.TestServers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/switchboard-client.jar} as a newcomer consumes it: installed with the README's
 * command, then depended on from a throwaway Maven project. Only the client's own dependencies may
 * resolve, and the client must run on exactly those.
 *
 * <p>Maven runs offline against the build's own local repository: everything it needs is there
 * after the build. The install lands there too, as the README's command would put it.
 */
class ClientJarIT {
  /** Jars of the server side; none belongs on a client's classpath. */
  private static final List<String> SERVER_JARS =
      List.of(
          "tyrus-server-",
          "tyrus-container-grizzly-server-",
          "grizzly-http-server-",
          "lettuce-core-",
          "netty-",
          "reactor-core-",
          "picocli-",
          "nimbus-jose-jwt-",
          "jakarta.servlet-api-",
          "HdrHistogram-",
          "slf4j-");

  /** What the client declares (src/client/pom.xml). */
  private static final List<String> CLIENT_JARS =
      List.of(
          "jakarta.websocket-client-api-",
          "tyrus-client-",
          "tyrus-container-grizzly-client-",
          "grizzly-http-",
          "jackson-core-",
          "jackson-databind-",
          "jspecify-");

  /** What those bring in turn. */
  private static final List<String> TRANSITIVE_JARS =
      List.of(
          "jakarta.websocket-api-",
          "tyrus-core-",
          "tyrus-spi-",
          "grizzly-framework-",
          "jackson-annotations-");

  /**
   * Each Maven run is bounded so a hung resolution fails the test instead of the build; generous
   * because a busy 2-core machine starts Maven slowly.
   */
  @TempDir Path dir;

  @Test
  void theInstalledClientBringsOnlyItsOwnDependenciesAndRunsOnThem() throws Exception {
    String version = ProjectVersion.fromPom();
    // The README's command, from the project directory.
    Commands.run(
        dir,
        Path.of("").toAbsolutePath(),
        Commands.mvn("install:install-file", "-Dfile=" + clientJar()));

    // A consumer project that compiles a small program against the client; its jar's manifest
    // lists the runtime classpath Maven resolved, in repository layout.
    Path consumer = Files.createDirectories(dir.resolve("consumer"));
    Files.writeString(consumer.resolve("pom.xml"), consumerPom(version));
    Path sources = Files.createDirectories(consumer.resolve("src/main/java"));
    Files.writeString(sources.resolve("Probe.java"), PROBE);
    Commands.run(dir, consumer, Commands.mvn("package", "-DskipTests"));
    Path consumerJar = consumer.resolve("target/consumer-1.jar");
    List<String> dependencies;
    try (JarFile jar = new JarFile(consumerJar.toFile())) {
      dependencies =
          List.of(jar.getManifest().getMainAttributes().getValue("Class-Path").trim().split(" +"));
    }
    List<String> jars =
        dependencies.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList();

    assertThat(jars)
        .as("server jars on a client's classpath")
        .noneMatch(j -> SERVER_JARS.stream().anyMatch(j::startsWith));
    assertThat(jars)
        .as("only the client and what it runs on")
        .allMatch(
            j ->
                j.startsWith("switchboard-client-")
                    || CLIENT_JARS.stream().anyMatch(j::startsWith)
                    || TRANSITIVE_JARS.stream().anyMatch(j::startsWith));
    for (String needed : CLIENT_JARS) {
      assertThat(jars).as("resolves " + needed).anyMatch(j -> j.startsWith(needed));
    }

    // The program on exactly that classpath against a real server: subscribe, publish, receive.
    Path repo = localRepository();
    List<String> classpath = new ArrayList<>(List.of(consumerJar.toString()));
    dependencies.forEach(d -> classpath.add(repo.resolve(d).toString()));
    try (StandaloneServer server = TestServers.start()) {
      List<String> cmd =
          List.of(
              javaBin(),
              "-cp",
              String.join(File.pathSeparator, classpath),
              "Probe",
              server.wsUri().resolve("/ws").toString());
      assertThat(Commands.run(dir, consumer, cmd)).contains("received {\"text\":\"hi\"}");
    }
  }

  /**
   * Only plugins this project's own build uses, at its versions (pom.xml, pluginManagement), so the
   * local repository already holds them and Maven can stay offline.
   */
  private static String consumerPom(String version) {
    return """
    <project xmlns="http://maven.apache.org/POM/4.0.0">
      <modelVersion>4.0.0</modelVersion>
      <groupId>example</groupId>
      <artifactId>consumer</artifactId>
      <version>1</version>
      <properties>
        <maven.compiler.release>17</maven.compiler.release>
        <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
      </properties>
      <dependencies>
        <dependency>
          <groupId>dev.switchboard</groupId>
          <artifactId>switchboard-client</artifactId>
          <version>%s</version>
        </dependency>
      </dependencies>
      <build>
        <plugins>
          <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
          <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
          <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
          <plugin>
            <artifactId>maven-jar-plugin</artifactId>
            <version>3.4.2</version>
            <configuration>
              <archive>
                <manifest>
                  <addClasspath>true</addClasspath>
                  <classpathLayoutType>repository</classpathLayoutType>
                  <useUniqueVersions>false</useUniqueVersions>
                </manifest>
              </archive>
            </configuration>
          </plugin>
        </plugins>
      </build>
    </project>
    """
        .formatted(version);
  }

  /** Subscribes, publishes once it is subscribed, prints what it receives; gives up after 60 s. */
  private static final String PROBE =
      """
      import dev.switchboard.client.*;
      import java.net.URI;
      import java.util.concurrent.*;

      public class Probe {
        public static void main(String[] args) throws Exception {
          CompletableFuture<String> received = new CompletableFuture<>();
          try (SwitchboardClient client = SwitchboardClient.builder(URI.create(args[0])).build()) {
            client.connect().get(60, TimeUnit.SECONDS);
            client.subscribe("probe", new SubscriptionListener() {
              public void onMessage(Message m) { received.complete(m.json()); }
              public void onSubscribed(boolean recovered, String reason) {
                client.publish("probe", "{\\"text\\":\\"hi\\"}");
              }
            });
            System.out.println("received " + received.get(60, TimeUnit.SECONDS));
          }
        }
      }
      """;

  private static Path localRepository() {
    String repo = System.getProperty("test.maven.repo.local");
    return repo != null
        ? Path.of(repo)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  private static String clientJar() {
    return Path.of(
            System.getProperty("test.switchboard.client.jar", "target/switchboard-client.jar"))
        .toAbsolutePath()
        .toString();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
