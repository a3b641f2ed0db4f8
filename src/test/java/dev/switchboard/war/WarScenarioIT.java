package dev.switchboard.war;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.ProtocolScenario;
import dev.switchboard.testing.Redis;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipFile;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The built {@code target/switchboard.war}, deployed unchanged into the container failsafe selected
 * (Tomcat, Jetty, WildFly, Open Liberty, GlassFish or Payara; see docs/CONTAINERS.md), passes the
 * same protocol scenario as the standalone server, on the container's own WebSocket implementation.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WarScenarioIT extends ProtocolScenario {

  private static final Duration WAIT = Duration.ofSeconds(30);

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
          // The library and the pages: what an application that adds the library runs.
          .noneMatch(n -> n.startsWith("WEB-INF/classes/"))
          .anyMatch(n -> n.equals("index.html"))
          .anyMatch(n -> n.equals("WEB-INF/lib/switchboard-jakarta.jar"));
    }
  }

  /**
   * The engine is the one the container was started with ({@code -Dtest.engine}, memory unless
   * set): /health names it, and with redis a publication to a channel with history must be in the
   * Redis stream under the prefix the container's JVM got ({@code -Dtest.redis.prefix}). A memory
   * engine fails both.
   */
  @Test
  void theEngineIsTheOneTheContainerWasStartedWith() {
    String engine = System.getProperty("test.engine", "memory");
    assertThat(dev.switchboard.testing.Http.get(http("/health")).json().path("engine").asText())
        .isEqualTo(engine);
    if (!engine.equals("redis")) {
      return;
    }
    String uri = System.getProperty("test.redis.uri", Redis.URI);
    String prefix = System.getProperty("test.redis.prefix");
    assertThat(prefix)
        .as("test.redis.prefix, the switchboard.redis.prefix of the container")
        .isNotBlank();
    String ch = "demo:" + UUID.randomUUID().toString().substring(0, 8);
    String marker = "kept-in-redis-" + UUID.randomUUID();
    dev.switchboard.testing.Http.Response r =
        dev.switchboard.testing.Http.postJson(
            http("/api/publish"), "{\"channel\":\"" + ch + "\",\"data\":\"" + marker + "\"}");
    assertThat(r.status()).isEqualTo(200);
    try {
      List<StreamMessage<String, String>> history =
          Redis.with(uri, c -> c.xrange(prefix + "s:" + ch, Range.create("-", "+")));
      assertThat(history).hasSize(1);
      assertThat(history.get(0).getBody().get("d")).contains(marker);
    } finally {
      Redis.with(uri, c -> c.del(prefix + "s:" + ch, prefix + "m:" + ch));
    }
  }

  /** web.api is on in the WAR's web.xml: /metrics answers there, with the library's jars. */
  @Test
  void theMetricsAreServedInTheWar() {
    dev.switchboard.testing.Http.Response r = dev.switchboard.testing.Http.get(http("/metrics"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
    assertThat(r.body())
        .contains("# TYPE switchboard_publications_total counter")
        .contains("switchboard_engine_ready 1.0")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void theDemoPageIsServedByTheContainer() {
    dev.switchboard.testing.Http.Response index = dev.switchboard.testing.Http.get(http("/"));
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("Switchboard");
    assertThat(dev.switchboard.testing.Http.get(http("/docs/PROTOCOL.md")).body())
        .contains("switchboard.v1");
  }

  @Test
  void theDocsArePagesInUtf8WithAnIndexAndWorkingLinks() {
    dev.switchboard.testing.Http.Response protocol =
        dev.switchboard.testing.Http.get(http("/docs/PROTOCOL.md"));
    assertThat(protocol.status()).isEqualTo(200);
    assertThat(protocol.header("Content-Type")).isEqualToIgnoringCase("text/html;charset=UTF-8");
    assertThat(protocol.body())
        .contains(
            "<h2 id=\"limits\">Limits</h2>",
            "≤",
            "href=\"SECURITY.md#authentication-and-authorization\"");
    dev.switchboard.testing.Http.Response index = dev.switchboard.testing.Http.get(http("/docs/"));
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("href=\"CLUSTER.md\"");
    dev.switchboard.testing.Http.Response guide =
        dev.switchboard.testing.Http.get(http("/docs/server-config/README.md"));
    assertThat(guide.status()).isEqualTo(200);
    assertThat(guide.body()).contains("href=\"../SECURITY.md#the-http-api-behind-a-proxy\"");
    assertThat(dev.switchboard.testing.Http.get(http("/docs/performance-compare.png")).status())
        .isEqualTo(200);
  }

  @Test
  void theChatPageWorksInChromiumOnTheContainersWebSocket() {
    try (Chromium chromium = new Chromium()) {
      ChromeDriver browser = chromium.open();
      browser.get(http("/chat.html").toString());
      browser.findElement(By.id("name")).clear();
      browser.findElement(By.id("name")).sendKeys("erin");
      browser.findElement(By.id("room")).clear();
      browser.findElement(By.id("room")).sendKeys("war-room");
      browser.findElement(By.id("join-button")).click();
      await().atMost(WAIT).until(() -> browser.findElement(By.id("text")).isEnabled());
      await().atMost(WAIT).until(() -> texts(browser, "#people li").equals(List.of("erin")));
      browser.findElement(By.id("text")).sendKeys("hello from the container");
      browser.findElement(By.id("send-button")).click();
      await()
          .atMost(WAIT)
          .until(() -> texts(browser, "#messages li").contains("erin: hello from the container"));
      Chromium.screenshot(
          browser, "war-chat-" + System.getProperty("arquillian.launch", "container"));
    }
  }

  private static List<String> texts(ChromeDriver browser, String css) {
    return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
  }
}
