package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.HttpUpgradeProxy;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Drives the test page {@code /test/transport.html} (src/test/resources/webapp/test): it runs
 * switchboard.js and records into {@code window.sbTest} what the client did; these read it.
 */
final class TransportPage {
  private TransportPage() {}

  /** A new browser on the page, loaded through {@code proxy} so its origin is the proxy's. */
  static ChromeDriver open(
      Chromium chromium, HttpUpgradeProxy proxy, String channel, long upgradeIntervalMs) {
    return open(chromium, proxy, channel + "&upgrade=" + upgradeIntervalMs);
  }

  /** The same, the client authenticating with {@code token} (a JWT) through `connect`. */
  static ChromeDriver openWithToken(
      Chromium chromium, HttpUpgradeProxy proxy, String channel, String token) {
    return open(chromium, proxy, channel + "&token=" + token);
  }

  private static ChromeDriver open(Chromium chromium, HttpUpgradeProxy proxy, String query) {
    ChromeDriver page = chromium.open();
    page.get(proxy.origin() + "/test/transport.html?channel=" + query);
    return page;
  }

  /** Waits until the client is OPEN on {@code transport} and its subscription is confirmed. */
  static void awaitOpenOn(ChromeDriver page, String transport) {
    // On a timeout the assertion shows what the page recorded.
    await()
        .atMost(SseFallbackIT.WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        page.executeScript(
                            "return !!window.sb && sb.readyState === 1"
                                + " && sb.transport === arguments[0]"
                                + " && sbTest.subscribed.length > 0",
                            transport))
                    .as("open on %s; the page recorded %s", transport, summary(page))
                    .isEqualTo(Boolean.TRUE));
  }

  static String transport(ChromeDriver page) {
    return (String) page.executeScript("return window.sb ? sb.transport : null");
  }

  /** The `n` of each JSON publication received, in arrival order. */
  @SuppressWarnings("unchecked")
  static List<Integer> numbers(ChromeDriver page) {
    List<Long> ns =
        (List<Long>)
            page.executeScript(
                "return sbTest.messages.filter(m => m.data && m.data.n).map(m => m.data.n)");
    return ns.stream().map(Long::intValue).toList();
  }

  @SuppressWarnings("unchecked")
  static List<Long> offsets(ChromeDriver page) {
    return (List<Long>) page.executeScript("return sbTest.messages.map(m => m.offset)");
  }

  @SuppressWarnings("unchecked")
  static List<Long> lastBytes(ChromeDriver page) {
    return (List<Long>)
        page.executeScript("return sbTest.messages.filter(m => m.bytes).at(-1).bytes");
  }

  /** The length of {@code sbTest[field]} (an array), or its value (a number). */
  static long count(ChromeDriver page, String field) {
    Object v =
        page.executeScript(
            "const v = sbTest[arguments[0]]; return Array.isArray(v) ? v.length : v", field);
    return ((Number) v).longValue();
  }

  @SuppressWarnings("unchecked")
  static List<String> transports(ChromeDriver page) {
    return (List<String>) page.executeScript("return sbTest.transports");
  }

  @SuppressWarnings("unchecked")
  static List<Long> reconnectCodes(ChromeDriver page) {
    return (List<Long>) page.executeScript("return sbTest.reconnects");
  }

  /** The page's own publishes: each reply as JSON, or the error's text. */
  @SuppressWarnings("unchecked")
  static List<String> publishReplies(ChromeDriver page) {
    return ((List<Object>)
            page.executeScript(
                "return sbTest.publishes.map(p => typeof p === 'string' ? p"
                    + " : JSON.stringify(p))"))
        .stream().map(String::valueOf).toList();
  }

  /** What the page recorded, without the publications: for failure messages. */
  static Object summary(ChromeDriver page) {
    return page.executeScript(
        "return window.sbTest ? JSON.stringify({...sbTest, messages: sbTest.messages.length,"
            + " reconnects: sbTest.reconnects.length, transport: sb.transport,"
            + " readyState: sb.readyState}) : 'no sbTest'");
  }
}
