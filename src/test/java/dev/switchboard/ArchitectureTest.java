package dev.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package list is the architecture; these rules keep it true. */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.switchboard");

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
  void theHttpApiUsesNoServletOrWebSocketTypes() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.http..")
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
