package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.http.ApiKey;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.Payload;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.BridgeFixture;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in real headless Chromium against a real standalone server: the namespace and
 * top-channel tables, the engine link, the bridges' figures, and the disconnect form, which a user
 * name carrying HTML cannot break out of. An integration test for the reason {@link BrowserPagesIT}
 * gives.
 */
class DashboardPageIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A user id is whatever the token's {@code sub} says: here, markup that would run script. */
  private static final String HOSTILE_USER =
      "<img src=x onerror=\"window.pwned=1\"><b id=\"injected\">mallory</b>";

  private static Chromium chromium;
  private StandaloneServer server;

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

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private WsClient clientAs(String user) {
    String token =
        Tokens.hs256(
            Tokens.claims(user, Instant.now().plusSeconds(600), Map.of("*", List.of("subscribe"))));
    return WsClient.connect(
        server.wsUri().resolve("/ws"), Map.of("Authorization", "Bearer " + token));
  }

  @Test
  void theTablesShowTheNodesFiguresAndTheFormDisconnectsAUserWithAHostileName() throws Exception {
    server =
        TestServers.start(
            Map.of("auth.hmac-secret", Tokens.SECRET, "namespace.room.presence", "true"));
    try (WsClient hostile = clientAs(HOSTILE_USER);
        WsClient other = clientAs("bob")) {
      hostile.ok(id -> new Command.Subscribe(id, "room:a=b/c@d"));
      other.ok(id -> new Command.Subscribe(id, "room:a=b/c@d"));
      other.ok(id -> new Command.Subscribe(id, "lobby"));

      ChromeDriver page = chromium.open();
      page.get(server.httpUri().resolve("/dashboard.html").toString());
      await().atMost(WAIT).until(() -> text(page, "status").startsWith("Updated"));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(rows(page, "namespaces"))
                      .contains("default 1 1 0 0 0", "room 1 2 0 0 0"));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(rows(page, "top-subscribers"))
                      .containsExactly("room:a=b/c@d 2", "lobby 1"));
      assertThat(text(page, "engine-link")).isEqualTo("n/a (single node)");
      assertThat(rows(page, "bridges")).containsExactly("none configured");
      WebElement button = page.findElement(By.id("disconnect-button"));
      await().atMost(WAIT).until(button::isEnabled);

      page.findElement(By.id("disconnect-user")).sendKeys(HOSTILE_USER);
      button.click();
      assertThat(page.switchTo().alert().getText()).contains(HOSTILE_USER);
      page.switchTo().alert().accept();

      assertThat(hostile.closed().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(new WsClient.Close(4510, "disconnected by an administrator"));
      await()
          .atMost(WAIT)
          .until(() -> text(page, "disconnect-result").startsWith("Closed 1 connection(s)"));
      assertThat(text(page, "disconnect-result")).contains("\"" + HOSTILE_USER + "\"");
      assertThat(page.findElements(By.id("injected"))).as("no markup was inserted").isEmpty();
      assertThat(page.findElements(By.cssSelector("img"))).isEmpty();
      assertThat(page.executeScript("return window.pwned === undefined")).isEqualTo(true);
      assertThat(other.closed()).isNotDone();
      assertThat(Chromium.consoleErrors(page)).isEmpty();
      Chromium.screenshot(page, "dashboard-tables");
    }
  }

  @Test
  void theBridgesTableShowsEachBridgesCountersAndLagFromTheNodesStats() throws Exception {
    try (BridgeFixture bridges = BridgeFixture.start()) {
      server = TestServers.start(bridges.settings());
      try {
        bridges.feedSource(server.httpUri(), 2);
        try (WsClient publisher = WsClient.connect(server.wsUri().resolve("/ws"))) {
          publisher.ok(id -> new Command.Publish(id, "chat:1", new Payload.Json("{\"hi\":1}")));
        }
        await()
            .atMost(WAIT)
            .until(
                () ->
                    BridgeFixture.bridge(server.httpUri(), BridgeFixture.SINK)
                            .path("forwarded")
                            .asLong()
                        == 1);

        ChromeDriver page = chromium.open();
        page.get(server.httpUri().resolve("/dashboard.html").toString());
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  List<String> rows = rows(page, "bridges");
                  assertThat(rows)
                      .contains(
                          "in jms-source running 3 2 0 1 (bad_json 1) – n/a failures 0",
                          "out jms-sink running – – – – – 0 failures 0 · forwarded 1 · dropped 0");
                  // Its broker is not there: no partition, so nothing is behind on this node.
                  assertThat(rows).anyMatch(r -> r.matches("k kafka \\w+ 0 0 0 0 0 0 retried 0"));
                });
        assertThat(Chromium.consoleErrors(page)).isEmpty();
        page.executeScript("document.getElementById('bridges').scrollIntoView()");
        Chromium.screenshot(page, "dashboard-bridges");
      } finally {
        server.close();
        server = null;
      }
    }
  }

  @Test
  void withApiKeysTheFormStaysDisabledUntilAnAdminKeyIsGiven() {
    String admin = "admin-key";
    server =
        TestServers.start(Map.of("api.keys", ApiKey.forConfig("ops", admin, ApiKey.Scope.ADMIN)));
    ChromeDriver page = chromium.open();
    page.get(server.httpUri().resolve("/dashboard.html").toString());
    await().atMost(WAIT).until(() -> text(page, "status").contains("HTTP 401"));
    assertThat(page.findElement(By.id("disconnect-button")).isEnabled()).isFalse();

    page.findElement(By.id("key")).sendKeys(admin);
    page.findElement(By.cssSelector("#key-form button")).click();
    await().atMost(WAIT).until(() -> page.findElement(By.id("disconnect-button")).isEnabled());
    assertThat(Http.get(server.httpUri().resolve("/api/stats")).status()).isEqualTo(401);
  }

  private static String text(ChromeDriver browser, String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The table's rows as text, read in one script so a refresh cannot interleave. */
  @SuppressWarnings("unchecked")
  private static List<String> rows(ChromeDriver browser, String table) {
    return (List<String>)
        browser.executeScript(
            "return [...document.querySelectorAll(arguments[0])]"
                + ".map(r => [...r.cells].map(c => c.textContent.trim()).join(' '))",
            "#" + table + " tbody tr");
  }
}
