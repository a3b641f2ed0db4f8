package dev.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.redis.RedisUnavailableException;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.NodeProcess;
import dev.switchboard.testing.Redis;
import dev.switchboard.testing.RedisServer;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose Redis is not there when it starts: by default it starts anyway, refuses what needs
 * Redis with error 109, and becomes ready by itself once Redis answers; with {@code
 * redis.fail-fast=true} it does not start.
 */
class RedisStartupTest {
  private RedisServer redis;

  @BeforeEach
  void reservePort() {
    redis = RedisServer.reserve(); // nothing listens there yet
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private Map<String, String> settings() {
    Map<String, String> settings = Redis.clusterSettings(redis.uri(), "startup:");
    settings.put("redis.timeout", "1s");
    settings.put("redis.canary-interval", "200ms");
    settings.put("redis.connect-retry-max", "500ms");
    return settings;
  }

  private static Http.Response publish(StandaloneServer node, String body) {
    return Http.postJson(node.httpUri().resolve("/api/publish"), body);
  }

  @Test
  void aNodeStartsWithoutRedisRefusesWhatNeedsItAndBecomesReadyWhenRedisArrives() {
    try (StandaloneServer node = TestServers.start(settings());
        WsClient client = WsClient.connect(node.wsUri().resolve("/ws"))) {
      Http.Response ready = Http.get(node.httpUri().resolve("/ready"));
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().path("reason").asText()).isEqualTo("engine");
      JsonNode engine = Http.get(node.httpUri().resolve("/api/stats")).json().path("engine");
      assertThat(engine.path("link").path("state").asText()).isEqualTo("down");
      assertThat(engine.path("link").path("since").asText()).isNotEmpty();
      assertThat(engine.path("connect_error").asText()).contains("127.0.0.1:" + redis.port());

      Http.Response refused = publish(node, "{\"channel\":\"feed:s\",\"data\":1}");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().path("error").path("code").asInt()).isEqualTo(109);
      assertThat(refused.json().path("error").path("message").asText())
          .contains("not reachable yet");
      JsonNode wsPublish = client.request("\"op\":\"publish\",\"channel\":\"feed:s\",\"data\":2");
      assertThat(wsPublish.path("error").path("code").asInt()).isEqualTo(109);
      assertThat(wsPublish.path("error").path("message").asText()).contains("not reachable yet");
      // Refused as during an outage: a subscription the node would not get publications for.
      JsonNode subscribe = client.request("\"op\":\"subscribe\",\"channel\":\"feed:s\"");
      assertThat(subscribe.path("error").path("code").asInt()).isEqualTo(109);
      assertThat(subscribe.path("error").path("message").asText()).contains("not reachable yet");
      JsonNode presence = client.request("\"op\":\"presence\",\"channel\":\"feed:s\"");
      assertThat(presence.path("error").path("code").asInt()).isEqualTo(109);
      JsonNode history = client.request("\"op\":\"history\",\"channel\":\"feed:s\"");
      assertThat(history.path("error").path("code").asInt()).isEqualTo(109);
      for (String read :
          new String[] {"/api/history?channel=feed:s", "/api/presence?channel=feed:s"}) {
        Http.Response answer = Http.get(node.httpUri().resolve(read));
        assertThat(answer.status()).as(read).isEqualTo(503);
        assertThat(answer.json().path("error").path("code").asInt()).isEqualTo(109);
      }

      redis.startAgain();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Http.get(node.httpUri().resolve("/ready")).status() == 200);
      engine = Http.get(node.httpUri().resolve("/api/stats")).json().path("engine");
      assertThat(engine.path("link").path("state").asText()).isEqualTo("up");
      assertThat(engine.has("connect_error")).isFalse();

      // The same connection subscribes again and gets what is published from now on.
      JsonNode subscribed = client.request("\"op\":\"subscribe\",\"channel\":\"feed:s\"");
      assertThat(subscribed.has("error")).as(subscribed.toString()).isFalse();
      assertThat(publish(node, "{\"channel\":\"feed:s\",\"data\":3}").status()).isEqualTo(200);
      JsonNode delivered = client.nextJson();
      assertThat(delivered.path("channel").asText()).isEqualTo("feed:s");
      assertThat(delivered.path("data").asInt()).as(delivered.toString()).isEqualTo(3);
      JsonNode published = client.request("\"op\":\"publish\",\"channel\":\"feed:s\",\"data\":4");
      assertThat(published.has("error")).as(published.toString()).isFalse();
      assertThat(client.nextJson().path("data").asInt()).isEqualTo(4);
      JsonNode members = client.request("\"op\":\"presence\",\"channel\":\"feed:s\"");
      assertThat(members.has("error")).as(members.toString()).isFalse();
    }
  }

  @Test
  void aNodeClosedWhileWaitingForRedisStopsTrying() {
    StandaloneServer node = TestServers.start(settings());
    await().atMost(Duration.ofSeconds(10)).until(() -> connectThreads() == 1);

    node.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> connectThreads() == 0);
  }

  private static long connectThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("switchboard-redis-connect"))
        .count();
  }

  @Test
  void withFailFastANodeWithoutRedisDoesNotStart() {
    Map<String, String> settings = settings();
    settings.put("redis.fail-fast", "true");

    assertThatThrownBy(() -> TestServers.start(settings).close())
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("cannot reach Redis at " + redis.uri());
  }

  @Test
  void withFailFastTheCommandLineExitsWith69(@TempDir Path dir) throws Exception {
    Map<String, String> settings = settings();
    settings.put("redis.fail-fast", "true");
    Path log = dir.resolve("node.log");

    Process node = NodeProcess.launch(settings, 0, log);
    try {
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("the node stops").isTrue();
      assertThat(node.exitValue()).as(Files.readString(log)).isEqualTo(69);
      assertThat(Files.readString(log)).contains("cannot reach Redis at " + redis.uri());
    } finally {
      node.destroyForcibly();
    }
  }
}
