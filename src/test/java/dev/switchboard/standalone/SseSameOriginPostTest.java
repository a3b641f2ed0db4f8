package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Http;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.TestServers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A page's own stream is opened without {@code Origin} (browsers send none on a same-origin fetch
 * GET) while its POSTs carry one (browsers always send it on a POST): those POSTs are taken when
 * the origin is allowed, and only then.
 */
class SseSameOriginPostTest {
  private static StandaloneServer server;

  @BeforeAll
  static void start() {
    server = TestServers.start(Map.of("origins.allowed", "http://good.example"));
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(2));
  }

  @Test
  void aStreamOpenedWithoutOriginTakesPostsFromAnAllowedOriginOrWithoutOneAndRefusesOthers() {
    try (SseClient sse = SseClient.open(server.httpUri().resolve("/sse")).opened()) {
      assertThat(post(sse, "Origin", "http://good.example").status()).isEqualTo(204);
      assertThat(post(sse).status()).isEqualTo(204);
      assertThat(post(sse, "Origin", "http://evil.example").status()).isEqualTo(403);
    }
  }

  private static Http.Response post(SseClient sse, String... headers) {
    return Http.post(sse.sessionUri(), "text/plain", new byte[0], headers);
  }
}
