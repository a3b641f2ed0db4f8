package dev.switchboard.war;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.WsClient;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Undeploying the WAR closes every client with 1012 "server shutting down", takes the application
 * away, and (checked where the container runs in the test's JVM) leaves none of Switchboard's
 * threads.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WarUndeployIT {
  private static final String NAME = "undeploy";

  @ArquillianResource private Deployer deployer;

  @Deployment(name = NAME, managed = false, testable = false)
  static WebArchive war() {
    File war = new File(System.getProperty("test.switchboard.war", "target/switchboard.war"));
    // Named after the test so its context path is /undeploy in every container.
    return ShrinkWrap.create(ZipImporter.class, NAME + ".war").importFrom(war).as(WebArchive.class);
  }

  @Test
  void undeployClosesEveryClientWithServiceRestartAndStopsEverything() {
    deployer.deploy(NAME);
    URI base =
        URI.create("http://127.0.0.1:" + System.getProperty("test.http.port") + "/" + NAME + "/");
    WsClient hub;
    WsClient echo;
    try {
      assertThat(Http.get(base.resolve("health")).status()).isEqualTo(200);
      hub = WsClient.connect(URI.create(base.toString().replaceFirst("^http", "ws")).resolve("ws"));
      echo =
          WsClient.connect(
              URI.create(base.toString().replaceFirst("^http", "ws")).resolve("echo"),
              null,
              null,
              null);
      hub.request("\"op\":\"subscribe\",\"channel\":\"bye\"");
    } finally {
      deployer.undeploy(NAME);
    }

    // The documented close: 1012 (service restart) with the reason, sent before the container tears
    // the sessions
    // down itself (which some containers do with an empty reason).
    assertThat(hub.awaitClose()).isEqualTo(new WsClient.Close(1012, "server shutting down"));
    assertThat(echo.awaitClose()).isEqualTo(new WsClient.Close(1012, "server shutting down"));
    assertThat(Http.get(base.resolve("health")).status())
        .as("the application is gone")
        .isEqualTo(404);
    if (Boolean.getBoolean("test.container.in-jvm")) {
      // The container runs in this JVM (embedded Tomcat, Jetty, GlassFish): its threads are ours to
      // see.
      await()
          .atMost(Duration.ofSeconds(45))
          .untilAsserted(
              () ->
                  assertThat(Thread.getAllStackTraces().keySet())
                      .noneMatch(t -> t.isAlive() && t.getName().startsWith("switchboard-")));
    }
  }
}
