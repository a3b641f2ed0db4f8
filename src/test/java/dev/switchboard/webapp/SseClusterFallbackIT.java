package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Chromium;
import dev.switchboard.testing.HttpUpgradeProxy;
import dev.switchboard.testing.HttpUpgradeProxy.Upgrades;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A page on SSE in a two-node cluster on the machine's Redis, where every connection must
 * authenticate (`connect` with a JWT, sent by POST): its stream lives on node A, the publications
 * are made on node B; then every connection is cut and the proxy sends the page to B, where it
 * recovers what it missed from the shared history.
 */
class SseClusterFallbackIT {
  private static final String PREFIX = Redis.freshPrefix();

  private static Chromium chromium;
  private static StandaloneServer a;
  private static StandaloneServer b;

  @BeforeAll
  static void start() {
    chromium = new Chromium();
    Map<String, String> settings = new HashMap<>(Redis.clusterSettings(Redis.URI, PREFIX));
    settings.put("auth.hmac-secret", Tokens.SECRET);
    settings.put("auth.required", "true"); // the page must `connect` on every stream
    a = TestServers.start(settings);
    b = TestServers.start(settings);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {a, b, chromium}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // the others still close
      }
    }
    Redis.deleteAll(Redis.URI, PREFIX);
  }

  @Test
  void aPageOnSseRecoversFromTheSharedHistoryWhenItsStreamMovesToAnotherNode() throws Exception {
    try (HttpUpgradeProxy proxy = new HttpUpgradeProxy(a.port(), Upgrades.REFUSE)) {
      String token =
          Tokens.hs256(
              Tokens.claims(
                  "ada", Instant.now().plusSeconds(600), Map.of("feed:*", List.of("subscribe"))));
      ChromeDriver page = TransportPage.openWithToken(chromium, proxy, "feed:moves", token);
      TransportPage.awaitOpenOn(page, "sse");
      assertThat(SseFallbackIT.connections(a)).isEqualTo(1);
      for (int n = 1; n <= 50; n++) {
        SseFallbackIT.publish(b, "feed:moves", n);
      }
      await().atMost(SseFallbackIT.WAIT).until(() -> TransportPage.numbers(page).size() >= 50);

      proxy.retarget(b.port());
      proxy.cutAll();
      for (int n = 51; n <= 100; n++) { // while the page finds its way to B
        SseFallbackIT.publish(b, "feed:moves", n);
      }
      await().atMost(SseFallbackIT.WAIT).until(() -> TransportPage.count(page, "opens") >= 2);
      for (int n = 101; n <= 150; n++) {
        SseFallbackIT.publish(b, "feed:moves", n);
      }
      await().atMost(SseFallbackIT.WAIT).until(() -> TransportPage.numbers(page).size() >= 150);
      assertThat(TransportPage.numbers(page))
          .as("each publication once, in order, across the move")
          .isEqualTo(IntStream.rangeClosed(1, 150).boxed().toList());
      assertThat(SseFallbackIT.connections(b)).isEqualTo(1);
      await().atMost(SseFallbackIT.WAIT).until(() -> SseFallbackIT.connections(a) == 0);
      assertThat(TransportPage.transports(page)).containsExactly("sse");
    }
  }
}
