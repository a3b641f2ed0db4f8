package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.HttpUpgradeProxy;
import dev.switchboard.testing.HttpUpgradeProxy.Upgrades;
import dev.switchboard.testing.TestServers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * switchboard.js in real headless Chromium behind {@link HttpUpgradeProxy}: a proxy that refuses
 * the WebSocket upgrade, one that cuts right after the 101, a cut of every connection while on SSE,
 * and a proxy that starts allowing upgrades, so the page moves back to WebSocket. Every publication
 * is checked to arrive once and in order, by offset and content. One server for the class; each
 * test has its own proxy, channel and browser.
 */
class SseFallbackIT {
  static final Duration WAIT = Duration.ofSeconds(60);

  private static Chromium chromium;
  private static StandaloneServer server;
  private final List<ChromeDriver> pages = new ArrayList<>();

  @BeforeAll
  static void start() {
    chromium = new Chromium();
    server = TestServers.start(Map.of("namespace.feed.history.size", "20000"));
  }

  /**
   * A page left open would keep reconnecting, and a later test's proxy may get its port: each
   * test's browsers go with it, so the node's connection count is the current test's.
   */
  @AfterEach
  void closePages() {
    pages.forEach(ChromeDriver::quit);
    pages.clear();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (chromium != null) {
      chromium.close();
    }
  }

  @Test
  void aProxyThatRefusesTheUpgradeLeavesThePageOnSseWhereEveryPublicationArrivesOnceInOrder()
      throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(server.port(), Upgrades.REFUSE)) {
      ChromeDriver page = open(proxy, "feed:refused", 60_000);
      TransportPage.awaitOpenOn(page, "sse");
      assertThat(proxy.refused()).isPositive();

      for (int n = 1; n <= 200; n++) {
        publish(server, "feed:refused", n);
      }
      await().atMost(WAIT).until(() -> TransportPage.numbers(page).size() >= 200);
      assertThat(TransportPage.numbers(page))
          .as("each publication once, in order")
          .isEqualTo(IntStream.rangeClosed(1, 200).boxed().toList());
      assertThat(TransportPage.offsets(page)).isSorted().doesNotHaveDuplicates();

      // The page's own publications go by POST and come back on the stream, text and binary.
      page.executeScript("sbPublish('feed:refused', {n: 201})");
      page.executeScript("sbPublish('feed:refused', new Uint8Array([1, 2, 3, 250]))");
      await().atMost(WAIT).until(() -> TransportPage.count(page, "messages") == 202);
      assertThat(TransportPage.numbers(page)).endsWith(201);
      assertThat(TransportPage.lastBytes(page)).containsExactly(1L, 2L, 3L, 250L);
      await().atMost(WAIT).until(() -> TransportPage.count(page, "publishes") == 2);
      assertThat(TransportPage.publishReplies(page)).allMatch(r -> r.contains("\"ok\":true"));
      assertThat(TransportPage.transports(page)).containsExactly("sse");
    }
  }

  @Test
  void aProxyThatCutsEveryWebSocketAfterThe101SendsThePageToSse() throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(server.port(), Upgrades.CUT_AFTER_101)) {
      ChromeDriver page = open(proxy, "feed:cut101", 60_000);
      TransportPage.awaitOpenOn(page, "sse");
      assertThat(proxy.upgradesCut()).as("two cuts in a row before falling back").isEqualTo(2);
      publish(server, "feed:cut101", 1);
      await().atMost(WAIT).until(() -> TransportPage.numbers(page).equals(List.of(1)));
    }
  }

  @Test
  void onSseACutOfEveryConnectionIsRecoveredWithoutLossOrDuplicates() throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(server.port(), Upgrades.REFUSE)) {
      ChromeDriver page = open(proxy, "feed:recover", 60_000);
      TransportPage.awaitOpenOn(page, "sse");
      for (int n = 1; n <= 50; n++) {
        publish(server, "feed:recover", n);
      }
      await().atMost(WAIT).until(() -> TransportPage.numbers(page).size() == 50);

      proxy.cutAll();
      for (int n = 51; n <= 100; n++) { // straight to the node, while the page reconnects
        publish(server, "feed:recover", n);
      }
      await().atMost(WAIT).until(() -> TransportPage.count(page, "opens") >= 2);
      for (int n = 101; n <= 150; n++) {
        publish(server, "feed:recover", n);
      }
      await().atMost(WAIT).until(() -> TransportPage.numbers(page).size() >= 150);
      assertThat(TransportPage.numbers(page))
          .isEqualTo(IntStream.rangeClosed(1, 150).boxed().toList());
      assertThat(TransportPage.reconnectCodes(page)).contains(1006L);
      assertThat(TransportPage.transports(page)).containsExactly("sse");
    }
  }

  @Test
  void aProxyThatStartsAllowingUpgradesGetsThePageBackOnWebSocketWithoutLossOrDuplicates()
      throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(server.port(), Upgrades.REFUSE)) {
      // A short upgradeInterval so the test need not wait the default minute: configuration.
      ChromeDriver page = open(proxy, "feed:back", 500);
      TransportPage.awaitOpenOn(page, "sse");
      AtomicBoolean publishing = new AtomicBoolean(true);
      AtomicInteger published = new AtomicInteger();
      AtomicInteger switchedAt = new AtomicInteger();
      Thread publisher =
          new Thread(
              () -> {
                while (publishing.get() && published.get() < 5_000) {
                  publish(server, "feed:back", published.incrementAndGet());
                }
              },
              "publisher");
      publisher.start();
      try {
        await().atMost(WAIT).until(() -> TransportPage.count(page, "messages") >= 20);
        proxy.upgrades(Upgrades.ALLOW);
        await().atMost(WAIT).until(() -> "websocket".equals(TransportPage.transport(page)));
        int atSwitch = published.get();
        switchedAt.set(atSwitch);
        await().atMost(WAIT).until(() -> published.get() >= atSwitch + 50);
      } finally {
        publishing.set(false);
        publisher.join(30_000);
      }
      int total = published.get();
      await().atMost(WAIT).until(() -> TransportPage.count(page, "messages") >= total);
      System.out.printf(
          "move back to WebSocket: %d publications, the switch after %d of them%n",
          total, switchedAt.get());
      assertThat(TransportPage.numbers(page))
          .as("each of the %d publications once, in order, across the switch", total)
          .isEqualTo(IntStream.rangeClosed(1, total).boxed().toList());
      assertThat(TransportPage.transports(page)).containsExactly("sse", "websocket");
      assertThat(proxy.upgradesPassed()).isPositive();
      // The stream left behind is closed: the node holds one connection for the page.
      await().atMost(WAIT).until(() -> connections(server) == 1);
    }
  }

  private ChromeDriver open(HttpUpgradeProxy proxy, String channel, long upgradeIntervalMs) {
    ChromeDriver page = TransportPage.open(chromium, proxy, channel, upgradeIntervalMs);
    pages.add(page);
    return page;
  }

  static void publish(StandaloneServer node, String channel, int n) {
    Http.Response r =
        Http.postJson(
            node.httpUri().resolve("/api/publish"),
            "{\"channel\":\"" + channel + "\",\"data\":{\"n\":" + n + "}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static long connections(StandaloneServer node) {
    Http.Response r = Http.get(URI.create(node.httpUri() + "/api/stats"));
    Matcher m = Pattern.compile("\"connections\":(\\d+)").matcher(r.body());
    assertThat(m.find()).as(r.body()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
