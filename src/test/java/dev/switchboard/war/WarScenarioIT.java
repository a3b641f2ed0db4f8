package dev.switchboard.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ProtocolScenario;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.zip.ZipFile;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built {@code target/switchboard.war}, deployed unchanged into the container failsafe selected
 * (embedded Tomcat 10.1 or Jetty 12 ee10), passes the same protocol scenario as the standalone
 * server, on the container's own WebSocket implementation.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WarScenarioIT extends ProtocolScenario {

  @ArquillianResource private URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    File war = new File(System.getProperty("test.switchboard.war", "target/switchboard.war"));
    return ShrinkWrap.createFromZipFile(WebArchive.class, war);
  }

  @Override
  protected URI http(String path) {
    try {
      // The context path may be anything: build every URI from the injected base.
      return base.toURI().resolve(path.substring(1));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theWarCarriesNoWebSocketImplementationOfItsOwn() throws Exception {
    File war = new File(System.getProperty("test.switchboard.war", "target/switchboard.war"));
    try (ZipFile zip = new ZipFile(war)) {
      assertThat(zip.stream().map(e -> e.getName()))
          .noneMatch(n -> n.startsWith("WEB-INF/lib/tyrus-"))
          .noneMatch(n -> n.startsWith("WEB-INF/lib/grizzly-"))
          .noneMatch(n -> n.startsWith("WEB-INF/lib/jakarta.websocket"))
          .noneMatch(n -> n.startsWith("WEB-INF/classes/dev/switchboard/standalone/"))
          .anyMatch(n -> n.equals("index.html"))
          .anyMatch(n -> n.equals("WEB-INF/classes/dev/switchboard/web/SwitchboardListener.class"));
    }
  }

  @Test
  void theDemoPageIsServedByTheContainer() {
    dev.switchboard.testing.Http.Response index = dev.switchboard.testing.Http.get(http("/"));
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("Switchboard");
  }
}
