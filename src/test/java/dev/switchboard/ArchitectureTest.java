package dev.switchboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package list is the architecture; these rules keep it true: the layers and which may use
 * which, no cycle between packages, and which packages may use Jakarta, Tyrus, Grizzly and Lettuce.
 * Each ArchUnit {@code check} fails the test with the list of offending dependencies.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.switchboard");

  @Test
  void theRulesSeeTheWholeCodeBase() {
    // A rule over an empty import passes vacuously: make sure every layer was imported.
    for (String pkg :
        java.util.List.of(
            "frame",
            "protocol",
            "log",
            "auth",
            "config",
            "hub",
            "engine",
            "engine.memory",
            "engine.redis",
            "server",
            "sse",
            "http",
            "metrics",
            "otel",
            "bridge",
            "bridge.jms",
            "bridge.kafka",
            "docs",
            "app",
            "assembly",
            "standalone",
            "web",
            "cdi",
            "client",
            "bench",
            "cli")) {
      assertThat(MAIN.containPackage("dev.switchboard." + pkg)).as(pkg).isTrue();
    }
  }

  /**
   * The package drawing, bottom to top. Each layer names every layer it may use; a package in no
   * layer fails the test, so a new package has to be placed in the drawing.
   *
   * <ul>
   *   <li>{@code frame} (RFC 6455 framing, shared by the server's fast path, the bench and the
   *       tests' raw clients) is the bottom: it knows no other package.
   *   <li>{@code protocol} (the wire), {@code auth} (tokens), {@code config} (typed values) and
   *       {@code docs} (the Markdown pages) know no other package.
   *   <li>{@code log} (the access log and the limit on repeated warnings, over System.Logger) knows
   *       no other package; every layer above the protocol may use it.
   *   <li>{@code engine} (the Broker seam and its memory and Redis implementations) knows the
   *       protocol; the {@code hub} knows the engine and auth.
   *   <li>{@code http} (the publish API) and {@code server} (the Jakarta WebSocket adapter) sit on
   *       the hub and know nothing of configuration or of each other. The API also reads the
   *       engine's {@code HistoryResult}, which the hub hands out as it is.
   *   <li>{@code metrics} (the Prometheus registry, the only Micrometer user) reads the hub's
   *       counters and implements the API's {@code MetricsText}; the composition root builds it.
   *   <li>{@code otel} (traces through OpenTelemetry, the only OpenTelemetry user) implements the
   *       hub's {@code Tracing}; the composition root builds it.
   *   <li>{@code bridge} (what every bridge shares: its counters, state and lag, plain Java) knows
   *       no other package; the bridges, the metrics and the composition root read it.
   *   <li>{@code bridge.jms} (the JMS bridge, the only user of {@code jakarta.jms}) sits on the hub
   *       and reads its own keys' raw values; the composition root builds it.
   *   <li>{@code bridge.kafka} (Kafka bridges, the only kafka-clients user) publishes through the
   *       hub; the composition root builds it when bridges are configured.
   *   <li>{@code sse} (the fallback transport: Server-Sent Events and POST, no Jakarta) sits on the
   *       hub like the Jakarta adapter; the composition root builds it, the hosts adapt their HTTP
   *       servers to it.
   *   <li>{@code app} (the facade an application in the same JVM publishes through) sits on the hub
   *       and reads the engine's results; the Jakarta adapter, the composition root and the hosts
   *       may use it.
   *   <li>{@code assembly}, the composition root, builds engine, hub, endpoints and API from a
   *       configuration; the hosts ({@code standalone}, {@code web}) each build one.
   *   <li>{@code client} and {@code bench} speak the protocol only; {@code cli} sits on top. It
   *       knows the engine only to name {@code RedisUnavailableException} as an exit code.
   * </ul>
   */
  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("dev.switchboard..")
        .ensureAllClassesAreContainedInArchitecture()
        .layer("Frame")
        .definedBy("dev.switchboard.frame..")
        .layer("Protocol")
        .definedBy("dev.switchboard.protocol..")
        .layer("Log")
        .definedBy("dev.switchboard.log..")
        .layer("Auth")
        .definedBy("dev.switchboard.auth..")
        .layer("Config")
        .definedBy("dev.switchboard.config..")
        .layer("Docs")
        .definedBy("dev.switchboard.docs..")
        .layer("Hooks")
        .definedBy("dev.switchboard.hooks..")
        .layer("Engine")
        .definedBy("dev.switchboard.engine..")
        .layer("Hub")
        .definedBy("dev.switchboard.hub..")
        .layer("Http")
        .definedBy("dev.switchboard.http..")
        .layer("Metrics")
        .definedBy("dev.switchboard.metrics..")
        .layer("Otel")
        .definedBy("dev.switchboard.otel..")
        .layer("Bridge")
        .definedBy("dev.switchboard.bridge")
        .layer("JmsBridge")
        .definedBy("dev.switchboard.bridge.jms..")
        .layer("Proxy")
        .definedBy("dev.switchboard.proxy..")
        .layer("KafkaBridge")
        .definedBy("dev.switchboard.bridge.kafka..")
        .layer("JakartaAdapter")
        .definedBy("dev.switchboard.server..")
        .layer("Sse")
        .definedBy("dev.switchboard.sse..")
        .layer("App")
        .definedBy("dev.switchboard.app..")
        .layer("Assembly")
        .definedBy("dev.switchboard.assembly..")
        .layer("Standalone")
        .definedBy("dev.switchboard.standalone..")
        .layer("Web")
        .definedBy("dev.switchboard.web..")
        .layer("Client")
        .definedBy("dev.switchboard.client..")
        .layer("Bench")
        .definedBy("dev.switchboard.bench..")
        .layer("Cli")
        .definedBy("dev.switchboard.cli..")
        .layer("Cdi")
        .definedBy("dev.switchboard.cdi..")
        .whereLayer("Frame")
        .mayNotAccessAnyLayer()
        .whereLayer("Protocol")
        .mayNotAccessAnyLayer()
        .whereLayer("Log")
        .mayNotAccessAnyLayer()
        .whereLayer("Auth")
        .mayNotAccessAnyLayer()
        .whereLayer("Config")
        .mayNotAccessAnyLayer()
        .whereLayer("Docs")
        .mayNotAccessAnyLayer()
        .whereLayer("Hooks")
        .mayOnlyAccessLayers("Protocol")
        .whereLayer("Engine")
        .mayOnlyAccessLayers("Log", "Protocol")
        .whereLayer("Hub")
        .mayOnlyAccessLayers("Log", "Frame", "Protocol", "Auth", "Hooks", "Engine")
        .whereLayer("Http")
        .mayOnlyAccessLayers("Log", "Protocol", "Engine", "Hub")
        .whereLayer("Metrics")
        .mayOnlyAccessLayers("Log", "Protocol", "Engine", "Hub", "Http", "Bridge")
        .whereLayer("Otel")
        .mayOnlyAccessLayers("Log", "Protocol", "Engine", "Hub")
        .whereLayer("Bridge")
        .mayNotAccessAnyLayer()
        .whereLayer("JmsBridge")
        .mayOnlyAccessLayers("Log", "Protocol", "Config", "Hooks", "Engine", "Hub", "Bridge")
        .whereLayer("Proxy")
        .mayOnlyAccessLayers("Protocol", "Hooks")
        .whereLayer("KafkaBridge")
        .mayOnlyAccessLayers("Log", "Protocol", "Engine", "Hub", "Bridge")
        .whereLayer("App")
        .mayOnlyAccessLayers("Log", "Protocol", "Hooks", "Engine", "Hub")
        .whereLayer("JakartaAdapter")
        .mayOnlyAccessLayers("Log", "Protocol", "Auth", "Hooks", "Hub", "App")
        .whereLayer("Sse")
        .mayOnlyAccessLayers("Log", "Protocol", "Auth", "Hub")
        .whereLayer("Assembly")
        .mayOnlyAccessLayers(
            "Log",
            "Protocol",
            "Auth",
            "Config",
            "Hooks",
            "Engine",
            "Hub",
            "Http",
            "Metrics",
            "Otel",
            "Bridge",
            "JmsBridge",
            "Proxy",
            "KafkaBridge",
            "App",
            "JakartaAdapter",
            "Sse")
        .whereLayer("Standalone")
        .mayOnlyAccessLayers(
            "Log",
            "Frame",
            "Protocol",
            "Config",
            "Docs",
            "Hub",
            "Http",
            "App",
            "JakartaAdapter",
            "Sse",
            "Assembly")
        .whereLayer("Web")
        .mayOnlyAccessLayers(
            "Log",
            "Protocol",
            "Config",
            "Docs",
            "Hooks",
            "Hub",
            "Http",
            "App",
            "JakartaAdapter",
            "Sse",
            "Assembly")
        .whereLayer("Cdi")
        .mayOnlyAccessLayers(
            "Log",
            "Protocol",
            "Auth",
            "Config",
            "Hooks",
            "Hub",
            "App",
            "JakartaAdapter",
            "Assembly",
            "Web")
        .whereLayer("Client")
        .mayOnlyAccessLayers("Protocol")
        .whereLayer("Bench")
        .mayOnlyAccessLayers("Frame", "Protocol")
        .whereLayer("Cli")
        .mayOnlyAccessLayers(
            "Log", "Protocol", "Config", "Engine", "Assembly", "Standalone", "Client", "Bench")
        .check(MAIN);
  }

  @Test
  void noTwoAreasDependOnEachOther() {
    slices().matching("dev.switchboard.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    // Finer than the areas: also engine and its memory and Redis implementations.
    slices().matching("dev.switchboard.(**)").should().beFreeOfCycles().check(MAIN);
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
  void onlyTheMetricsPackageUsesMicrometer() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.switchboard.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.micrometer..", "io.prometheus..")
        .check(MAIN);
  }

  @Test
  void onlyTheJmsBridgeUsesJakartaMessagingOrArtemis() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.switchboard.bridge.jms..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.jms..", "org.apache.activemq..")
        .check(MAIN);
  }

  @Test
  void onlyTheKafkaBridgeUsesKafkaClients() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.switchboard.bridge.kafka..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..")
        .check(MAIN);
  }

  @Test
  void onlyTheOtelPackageUsesOpenTelemetry() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.switchboard.otel..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.opentelemetry..")
        .check(MAIN);
  }

  @Test
  void theCoreImportsNoJakarta() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.switchboard.frame..",
            "dev.switchboard.protocol..",
            "dev.switchboard.hub..",
            "dev.switchboard.sse..",
            "dev.switchboard.engine..",
            "dev.switchboard.hooks..",
            "dev.switchboard.app..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta..")
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
  void authImportsNoJakarta() {
    noClasses()
        .that()
        .resideInAPackage("dev.switchboard.auth..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta..")
        .check(MAIN);
  }
}
