package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TcpProxy;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The webapp pages in real headless Chromium against a real standalone server: chat between two
 * browsers with presence, reconnect with recovery and with recovery failure, the raw WebSocket
 * console sending 10 MB to {@code /echo}, the dashboard while load runs. Every page is photographed
 * into {@code target/screenshots/}.
 *
 * <p>An integration test (failsafe, after the WAR and jar tests) rather than a unit test: it needs
 * Debian's chromium and chromium-driver, and a surefire failure on a machine without them would
 * stop the build before the WAR and jar tests ever ran. Under failsafe every suite runs and {@code
 * verify} reports all failures together.
 */
class BrowserPagesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Chromium chromium;
  private StandaloneServer server;
  private String room;

  @BeforeAll
  static void startChromium() {
    chromium = new Chromium();
  }

  @AfterAll
  static void stopChromium() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @BeforeEach
  void startServer(TestInfo test) {
    server = TestServers.start();
    room = "room-" + Math.floorMod(test.getTestMethod().orElseThrow().getName().hashCode(), 1000);
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theHomePageShowsWhatIsRunningAndLinksTheDocs() {
    ChromeDriver home = chromium.open();
    home.get(server.httpUri().resolve("/").toString());
    await().atMost(WAIT).until(() -> text(home, "health").equals("up"));
    assertThat(text(home, "engine")).isEqualTo("memory");
    assertThat(text(home, "version")).isNotBlank().isNotEqualTo("–");
    await().atMost(WAIT).until(() -> text(home, "hub").equals("connected"));
    Chromium.screenshot(home, "index");

    assertThat(home.findElement(By.linkText("Cluster mode on Redis")).getAttribute("href"))
        .endsWith("/docs/CLUSTER.md");
    assertThat(iconStatus(home)).as("favicon").isEqualTo(200);
    assertThat(Chromium.consoleErrors(home)).isEmpty();

    home.findElement(By.linkText("The hub protocol")).click();
    await().atMost(WAIT).until(() -> home.getCurrentUrl().endsWith("/docs/PROTOCOL.md"));
    assertThat(home.getTitle()).isEqualTo("Switchboard hub protocol v1 · Switchboard");
    String page = home.findElement(By.tagName("body")).getText();
    assertThat(page).contains("switchboard.v1", "≤", "·").doesNotContain("Â", "â");
    assertThat(home.findElement(By.cssSelector("h2#limits")).getText()).isEqualTo("Limits");
    Chromium.screenshot(home, "docs-protocol");

    // A relative link between documents lands on the heading it names.
    home.findElement(By.cssSelector("a[href='SECURITY.md#authentication-and-authorization']"))
        .click();
    await()
        .atMost(WAIT)
        .until(
            () ->
                home.getCurrentUrl()
                    .endsWith("/docs/SECURITY.md#authentication-and-authorization"));
    assertThat(home.findElement(By.id("authentication-and-authorization")).getText())
        .isEqualTo("Authentication and authorization");
    home.findElement(By.linkText("Documentation")).click();
    await().atMost(WAIT).until(() -> home.getCurrentUrl().endsWith("/docs/"));
    home.findElement(By.partialLinkText("Cluster mode")).click();
    await().atMost(WAIT).until(() -> home.getCurrentUrl().endsWith("/docs/CLUSTER.md"));
    assertThat(home.findElement(By.tagName("h1")).getText()).isEqualTo("Cluster mode on Redis");
    assertThat(iconStatus(home)).as("favicon").isEqualTo(200);
    assertThat(Chromium.consoleErrors(home)).isEmpty();
  }

  @Test
  void theChatRoomFieldValidatesWithoutConsoleErrors() {
    ChromeDriver page = chromium.open();
    page.get(server.httpUri().resolve("/chat.html").toString());
    WebElement roomField = page.findElement(By.id("room"));
    for (String good : List.of("lobby", "a.b@c/d=e_f-g")) {
      roomField.clear();
      roomField.sendKeys(good);
      assertThat(page.executeScript("return document.getElementById('room').checkValidity()"))
          .as(good)
          .isEqualTo(true);
    }
    for (String bad : List.of("two words", "a:b", "x".repeat(61))) {
      roomField.clear();
      roomField.sendKeys(bad);
      assertThat(
              page.executeScript("return document.getElementById('room').validity.patternMismatch"))
          .as(bad)
          .isEqualTo(true);
    }
    assertThat(iconStatus(page)).as("favicon").isEqualTo(200);
    assertThat(Chromium.consoleErrors(page)).isEmpty();
  }

  @Test
  void aMessagePublishedOverHttpWithoutANameShowsAsFromTheHttpApi() {
    ChromeDriver erin = chromium.open();
    join(erin, "erin");
    Http.Response r =
        Http.postJson(
            server.httpUri().resolve("/api/publish"),
            "{\"channel\":\"demo:" + room + "\",\"data\":{\"text\":\"hello from curl\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    await().atMost(WAIT).until(() -> messages(erin).contains("HTTP API: hello from curl"));
  }

  @Test
  void twoChatPagesSeeHistoryEachOtherMessagesAndPresence() {
    publishOverHttp("demo:" + room, "curl", "said before anyone came");

    ChromeDriver alice = chromium.open();
    ChromeDriver bob = chromium.open();
    join(alice, "alice");
    await().atMost(WAIT).until(() -> messages(alice).contains("curl: said before anyone came"));
    join(bob, "bob");

    await()
        .atMost(WAIT)
        .until(
            () ->
                people(alice).equals(List.of("alice", "bob"))
                    || people(alice).equals(List.of("bob", "alice")));
    await().atMost(WAIT).until(() -> people(bob).size() == 2);
    assertThat(text(bob, "count")).isEqualTo("2");
    await()
        .atMost(WAIT)
        .until(() -> messages(alice).stream().anyMatch(m -> m.startsWith("bob joined")));
    assertThat(messages(bob)).contains("curl: said before anyone came");

    say(alice, "hello bob");
    await().atMost(WAIT).until(() -> messages(bob).contains("alice: hello bob"));
    say(bob, "hi alice");
    await().atMost(WAIT).until(() -> messages(alice).contains("bob: hi alice"));
    assertThat(messages(alice)).containsSubsequence("alice: hello bob", "bob: hi alice");
    Chromium.screenshot(alice, "chat-alice");
    Chromium.screenshot(bob, "chat-bob");

    bob.quit(); // the browser goes away: alice is told and the list shrinks
    await()
        .atMost(WAIT)
        .until(() -> messages(alice).stream().anyMatch(m -> m.startsWith("bob left")));
    await().atMost(WAIT).until(() -> people(alice).equals(List.of("alice")));
  }

  @Test
  void aChatPageReconnectsThroughAFailedNetworkAndShowsWhatItMissed() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      ChromeDriver carol = chromium.open();
      carol.get("http://127.0.0.1:" + proxy.port() + "/chat.html");
      join(carol, "carol");
      await().atMost(WAIT).until(() -> people(carol).equals(List.of("carol")));
      say(carol, "before the cut");
      await().atMost(WAIT).until(() -> messages(carol).contains("carol: before the cut"));

      proxy.refuse(true);
      proxy.cutAll();
      await().atMost(WAIT).until(() -> text(carol, "status").startsWith("Connection lost"));
      for (int n = 1; n <= 3; n++) {
        publishOverHttp("demo:" + room, "curl", "missed " + n);
      }
      proxy.refuse(false);

      await().atMost(WAIT).until(() -> text(carol, "status").contains("missed messages recovered"));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  messages(carol)
                      .containsAll(List.of("curl: missed 1", "curl: missed 2", "curl: missed 3")));
      assertThat(messages(carol).stream().filter(m -> m.startsWith("curl: missed ")).toList())
          .as("each missed message once, in order")
          .containsExactly("curl: missed 1", "curl: missed 2", "curl: missed 3");
      Chromium.screenshot(carol, "chat-recovered");

      say(carol, "after the cut");
      await().atMost(WAIT).until(() -> messages(carol).contains("carol: after the cut"));
    }
  }

  @Test
  void aChatPageTellsTheUserWhenARestartedServerCannotRecoverWhatItMissed() {
    ChromeDriver dave = chromium.open();
    join(dave, "dave");
    say(dave, "before the restart");
    await().atMost(WAIT).until(() -> messages(dave).contains("dave: before the restart"));

    int port = server.port();
    server.close();
    await().atMost(WAIT).until(() -> text(dave, "status").startsWith("Connection lost"));
    server = TestServers.start(Map.of("server.port", Integer.toString(port)));

    // The in-memory engine lost its history: a new epoch, so the page says so and reloads.
    await().atMost(WAIT).until(() -> text(dave, "status").contains("could not be recovered"));
    await().atMost(WAIT).until(() -> people(dave).equals(List.of("dave")));
    Chromium.screenshot(dave, "chat-recovery-failed");
    say(dave, "after the restart");
    await().atMost(WAIT).until(() -> messages(dave).contains("dave: after the restart"));
  }

  @Test
  void theConsoleSendsTenMegabytesToEchoAndVerifiesTheEchoedBytes(@TempDir Path dir)
      throws Exception {
    ChromeDriver console = chromium.open();
    console.get(server.httpUri().resolve("/console.html").toString());
    assertThat(console.findElement(By.id("url")).getAttribute("value"))
        .isEqualTo("ws://127.0.0.1:" + server.port() + "/echo");
    assertThat(console.findElement(By.id("state")).getAttribute("data-state")).isEqualTo("3");
    console.findElement(By.id("connect")).click();
    await()
        .atMost(WAIT)
        .until(() -> "1".equals(console.findElement(By.id("state")).getAttribute("data-state")));
    await()
        .atMost(WAIT)
        .until(() -> log(console).stream().anyMatch(l -> l.contains("open (protocol")));

    console.findElement(By.id("text")).sendKeys("hello echo");
    console.findElement(By.id("send-text")).click();
    await()
        .atMost(WAIT)
        .until(
            () ->
                log(console).stream()
                    .anyMatch(l -> l.endsWith("message (text, 10 chars): hello echo")));

    console.findElement(By.id("send-big")).click();
    // On a timeout the assertion shows the page's log: what was sent, echoed or closed.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(console.findElement(By.id("verify")).getAttribute("data-verified"))
                    .as("the console's log: %s", log(console))
                    .isEqualTo("true"));
    assertThat(console.findElement(By.id("progress")).getAttribute("value")).isEqualTo("100");
    assertThat(log(console)).anyMatch(l -> l.endsWith("sent binary (10485760 bytes)"));
    assertThat(log(console)).anyMatch(l -> l.endsWith("message (binary, 10485760 bytes)"));
    assertThat(text(console, "verify")).isEqualTo("Echo verified: 10485760 bytes match.");
    Chromium.screenshot(console, "console");

    Path file = dir.resolve("random.bin");
    byte[] bytes = new byte[300_000];
    new Random(7).nextBytes(bytes);
    Files.write(file, bytes);
    console.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
    console.findElement(By.id("send-file")).click();
    await()
        .atMost(WAIT)
        .until(() -> text(console, "verify").equals("Echo verified: 300000 bytes match."));

    console.findElement(By.id("disconnect")).click();
    await()
        .atMost(WAIT)
        .until(
            () ->
                log(console).stream()
                    .anyMatch(l -> l.contains("close: code 1000") && l.contains("wasClean true")));
    assertThat(console.findElement(By.id("state")).getAttribute("data-state")).isEqualTo("3");
  }

  @Test
  void theDashboardChartMovesWhileLoadRuns() throws Exception {
    ChromeDriver dashboard = chromium.open();
    dashboard.get(server.httpUri().resolve("/dashboard.html").toString());
    await().atMost(WAIT).until(() -> text(dashboard, "status").startsWith("Updated"));

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger published = new AtomicInteger();
    try (WsClient subscriber = WsClient.connect(server.wsUri().resolve("/ws"))) {
      subscriber.request("\"op\":\"subscribe\",\"channel\":\"load:feed\"");
      Thread load =
          new Thread(
              () -> {
                while (running.get() && published.get() < 200_000) {
                  publishOverHttp("load:feed", "load", "n" + published.incrementAndGet());
                }
              });
      load.start();
      try {
        String before = canvas(dashboard);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    points(dashboard) >= 3
                        && number(dashboard, "publishes") > 0
                        && number(dashboard, "deliveries") > 0);
        int points = points(dashboard);
        await().atMost(WAIT).until(() -> points(dashboard) > points);
        assertThat(canvas(dashboard)).as("the chart was redrawn").isNotEqualTo(before);
        assertThat(number(dashboard, "connections")).isGreaterThanOrEqualTo(1);
        assertThat(number(dashboard, "channels")).isGreaterThanOrEqualTo(1);
        Chromium.screenshot(dashboard, "dashboard");
      } finally {
        running.set(false);
        load.join(10_000);
      }
    }
  }

  // --- the pages, as a user drives them ---------------------------------------------------------

  private void join(ChromeDriver browser, String name) {
    if (!browser.getCurrentUrl().contains("/chat.html")) {
      browser.get(server.httpUri().resolve("/chat.html").toString());
    }
    WebElement nameField = browser.findElement(By.id("name"));
    nameField.clear();
    nameField.sendKeys(name);
    WebElement roomField = browser.findElement(By.id("room"));
    roomField.clear();
    roomField.sendKeys(room);
    browser.findElement(By.id("join-button")).click();
    await().atMost(WAIT).until(() -> browser.findElement(By.id("text")).isEnabled());
  }

  private static void say(ChromeDriver browser, String text) {
    browser.findElement(By.id("text")).sendKeys(text);
    browser.findElement(By.id("send-button")).click();
  }

  private static List<String> messages(ChromeDriver browser) {
    return browser.findElements(By.cssSelector("#messages li")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private static List<String> people(ChromeDriver browser) {
    return browser.findElements(By.cssSelector("#people li")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private static List<String> log(ChromeDriver browser) {
    return browser.findElements(By.cssSelector("#log li")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** The status the page's own icon link answers with (headless Chromium does not fetch icons). */
  private static long iconStatus(ChromeDriver browser) {
    return (Long)
        browser.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "const link = document.querySelector('link[rel=icon]');"
                + "if (!link) { done(-1); return; }"
                + "fetch(link.href).then(r => done(r.status), () => done(-2));");
  }

  private static String text(ChromeDriver browser, String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static long number(ChromeDriver browser, String id) {
    String digits = text(browser, id).replaceAll("[^0-9]", "");
    return digits.isEmpty() ? 0 : Long.parseLong(digits);
  }

  private static int points(ChromeDriver browser) {
    String p = browser.findElement(By.id("chart")).getAttribute("data-points");
    return p == null ? 0 : Integer.parseInt(p);
  }

  private static String canvas(ChromeDriver browser) {
    return (String) browser.executeScript("return document.getElementById('chart').toDataURL()");
  }

  private void publishOverHttp(String channel, String name, String text) {
    Http.Response r =
        Http.postJson(
            server.httpUri().resolve("/api/publish"),
            "{\"channel\":\""
                + channel
                + "\",\"data\":{\"name\":\""
                + name
                + "\",\"text\":\""
                + text
                + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
