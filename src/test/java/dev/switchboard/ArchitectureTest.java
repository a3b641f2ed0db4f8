package dev.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package list is the architecture; these rules keep it true. Each ArchUnit {@code check}
 * fails the test with the list of offending dependencies.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.switchboard");

  @Test
  void theRulesSeeTheWholeCodeBase() {
    // A rule over an empty import passes vacuously: make sure every layer was imported.
    for (String pkg : java.util.List.of("protocol", "hub", "engine.memory", "engine.redis", "server", "standalone", "client", "http", "docs")) {
      assertThat(MAIN.containPackage("dev.switchboard." + pkg)).as(pkg).isTrue();
    }
  }

  @Test
  void onlyTheRedisEngineUsesLettuce() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.switchboard.engine.redis..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.lettuce..", "io.netty..", "reactor..")
        .check(MAIN);
  }

  @Test
  void theCoreImportsNoJakarta() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.switchboard.protocol..", "dev.switchboard.hub..", "dev.switchboard.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta..")
        .check(MAIN);
  }

  @Test
  void theCoreDoesNotDependOnAdaptersOrServers() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.switchboard.protocol..", "dev.switchboard.hub..", "dev.switchboard.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.server..",
            "dev.switchboard.standalone..",
            "dev.switchboard.web..",
            "dev.switchboard.http..",
            "dev.switchboard.cli..",
            "org.glassfish..")
        .check(MAIN);
  }

  @Test
  void theProtocolKnowsNothingOfTheHub() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.protocol..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.switchboard.hub..", "dev.switchboard.engine..")
        .check(MAIN);
  }

  @Test
  void onlyTheStandaloneServerAndTheClientUseTyrusOrGrizzly() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.switchboard.standalone..", "dev.switchboard.client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.glassfish..")
        .check(MAIN);
  }

  @Test
  void theHttpApiAndTheDocsUseNoServletOrWebSocketTypes() {
    // Each is shared by the Grizzly handler of the standalone server and a servlet in the WAR.
    noClasses()
        .that()
        .resideInAnyPackage("dev.switchboard.http..", "dev.switchboard.docs..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta..", "org.glassfish..")
        .check(MAIN);
  }

  @Test
  void theClientKnowsOnlyTheProtocol() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.switchboard.hub..",
            "dev.switchboard.engine..",
            "dev.switchboard.server..",
            "dev.switchboard.standalone..",
            "dev.switchboard.web..",
            "dev.switchboard.http..",
            "dev.switchboard.config..",
            "dev.switchboard.auth..",
            "dev.switchboard.cli..",
            "dev.switchboard.bench..")
        .check(MAIN);
  }

  @Test
  void authImportsNoJakarta() {
    noClasses().that().resideInAPackage("dev.switchboard.auth..").should().dependOnClassesThat().resideInAnyPackage("jakarta..").check(MAIN);
  }
}
