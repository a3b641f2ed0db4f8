package dev.switchboard.war;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.WsClient;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Switchboard as a library in someone else's web application: the application's own servlet ({@link
 * HostServlet}) and, in its WEB-INF/lib, the jars of switchboard.war's WEB-INF/lib (the library and
 * its run-time dependencies); no pages, and no web.xml opt-ins. Only the hub is served, at the
 * application's context path; the key {@code ws.path} moves it and {@code enabled=false} turns
 * Switchboard off, both given as context parameters.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LibraryModeIT {
  private static final String PLAIN = "library";
  private static final String MOVED = "library-live";
  private static final String OFF = "library-off";

  @ArquillianResource private Deployer deployer;

  @Deployment(name = PLAIN, managed = false, testable = false)
  static WebArchive plain() {
    return host(PLAIN, Map.of());
  }

  @Deployment(name = MOVED, managed = false, testable = false)
  static WebArchive moved() {
    return host(MOVED, Map.of("switchboard.ws.path", "/live"));
  }

  @Deployment(name = OFF, managed = false, testable = false)
  static WebArchive off() {
    return host(OFF, Map.of("switchboard.enabled", "false"));
  }

  @Test
  void theHubAnswersAtTheApplicationsContextPathAndNothingElseOfSwitchboardIsServed() {
    deployer.deploy(PLAIN);
    try {
      URI base = base(PLAIN);
      assertThat(Http.get(base.resolve("hello")).body())
          .isEqualTo("hello from the host application");
      subscribeAndReceive(base, "ws");
      // Not a handshake: the library's answer at its own path, as in the WAR.
      assertThat(Http.get(base.resolve("ws")).status()).isEqualTo(426);
      for (String path : new String[] {"echo", "health", "ready", "api/stats", "docs/", "docs"}) {
        assertThat(Http.get(base.resolve(path)).status()).as(path).isEqualTo(404);
      }
      // The container's default servlet: 404, or 405 where it refuses a POST first (Jetty).
      assertThat(
              Http.postJson(base.resolve("api/publish"), "{\"channel\":\"a\",\"data\":1}").status())
          .isIn(404, 405);
      assertThat(WsClient.handshakeStatus(ws(base).resolve("echo"), null)).isEqualTo(404);
      assertThat(Http.get(base.resolve("docs/PROTOCOL.md")).status()).isEqualTo(404);
      assertThat(Http.get(base.resolve("index.html")).status()).isEqualTo(404);
    } finally {
      deployer.undeploy(PLAIN);
    }
  }

  @Test
  void theContextParameterWsPathMovesTheHub() {
    deployer.deploy(MOVED);
    try {
      URI base = base(MOVED);
      subscribeAndReceive(base, "live");
      assertThat(Http.get(base.resolve("live")).status()).isEqualTo(426);
      assertThat(WsClient.handshakeStatus(ws(base).resolve("ws"), null)).isEqualTo(404);
      assertThat(Http.get(base.resolve("ws")).status()).isEqualTo(404);
    } finally {
      deployer.undeploy(MOVED);
    }
  }

  @Test
  void disabledSwitchboardRegistersNothingAndStartsNoThreadWhileTheApplicationRuns() {
    if (Boolean.getBoolean("test.container.in-jvm")) {
      // What earlier tests deployed is gone before this one looks.
      await().atMost(Duration.ofSeconds(45)).until(() -> switchboardThreads().isEmpty());
    }
    deployer.deploy(OFF);
    try {
      URI base = base(OFF);
      assertThat(Http.get(base.resolve("hello")).body())
          .isEqualTo("hello from the host application");
      assertThat(WsClient.handshakeStatus(ws(base).resolve("ws"), null)).isEqualTo(404);
      assertThat(Http.get(base.resolve("ws")).status()).isEqualTo(404);
      assertThat(Http.postJson(base.resolve("notify?channel=a"), "").status())
          .as("no Switchboard for the application's code either")
          .isEqualTo(503);
      if (Boolean.getBoolean("test.container.in-jvm")) {
        assertThat(switchboardThreads()).isEmpty();
      }
    } finally {
      deployer.undeploy(OFF);
    }
  }

  /**
   * A client subscribes at {@code path}; a publication from another client and one the application
   * makes through the library ({@code POST /notify}) both reach it.
   */
  private static void subscribeAndReceive(URI base, String path) {
    String ch = "news:" + UUID.randomUUID().toString().substring(0, 8);
    try (WsClient sub = WsClient.connect(ws(base).resolve(path));
        WsClient pub = WsClient.connect(ws(base).resolve(path))) {
      assertThat(sub.subprotocol()).isEqualTo("switchboard.v1");
      assertThat(sub.call(id -> new Command.Subscribe(id, ch))).isEqualTo(ServerMessage.Ok.of(1));
      assertThat(pub.call(id -> new Command.Publish(id, ch, new Payload.Json("1"))))
          .isEqualTo(ServerMessage.Ok.of(1));
      assertThat(sub.nextMessage())
          .isEqualTo(new ServerMessage.Publication(ch, 0, "", new Payload.Json("1")));
      Http.Response notify = Http.postJson(base.resolve("notify?channel=" + ch), "");
      assertThat(notify.status()).as(notify.body()).isEqualTo(200);
      assertThat(sub.nextMessage())
          .isEqualTo(
              new ServerMessage.Publication(ch, 0, "", new Payload.Json("{\"from\":\"host\"}")));
    }
  }

  /**
   * The host application: its servlet, the jars of the built WAR's WEB-INF/lib, and a web.xml only
   * when it sets context parameters.
   */
  private static WebArchive host(String name, Map<String, String> contextParams) {
    File built = new File(System.getProperty("test.switchboard.war", "target/switchboard.war"));
    WebArchive war =
        ShrinkWrap.create(ZipImporter.class, "built.war").importFrom(built).as(WebArchive.class);
    WebArchive host =
        ShrinkWrap.create(WebArchive.class, name + ".war").addClass(HostServlet.class);
    Node lib = war.get("/WEB-INF/lib");
    for (Node jar : lib.getChildren()) {
      ArchivePath path = jar.getPath();
      host.add(jar.getAsset(), path);
    }
    // GlassFish asks the parent loader first, and where it runs in the test's JVM that parent sees
    // the test classes: the application's own servlet must come from its WEB-INF/classes.
    host.addAsWebInfResource(
        new StringAsset(
            "<glassfish-web-app><class-loader delegate=\"false\"/></glassfish-web-app>\n"),
        "glassfish-web.xml");
    if (!contextParams.isEmpty()) {
      host.setWebXML(new StringAsset(webXml(contextParams)));
    }
    return host;
  }

  private static String webXml(Map<String, String> contextParams) {
    String params =
        contextParams.entrySet().stream()
            .map(
                e ->
                    "  <context-param><param-name>"
                        + e.getKey()
                        + "</param-name><param-value>"
                        + e.getValue()
                        + "</param-value></context-param>\n")
            .collect(Collectors.joining());
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
        + params
        + "</web-app>\n";
  }

  /** Context path = archive name in every container (see WarUndeployIT). */
  private static URI base(String name) {
    return URI.create(
        "http://127.0.0.1:" + System.getProperty("test.http.port") + "/" + name + "/");
  }

  private static URI ws(URI base) {
    return URI.create(base.toString().replaceFirst("^http", "ws"));
  }

  private static java.util.List<String> switchboardThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("switchboard-"))
        .map(Thread::getName)
        .toList();
  }
}
