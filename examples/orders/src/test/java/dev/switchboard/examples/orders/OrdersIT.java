package dev.switchboard.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built orders.war, deployed unchanged into the server failsafe selected (WildFly or Payara
 * Server, see pom.xml), driven as its users would: HTTP for the API, WebSocket for the hub, each
 * with BASIC credentials of the server's own users (clerk: role user; admin: roles admin, user).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OrdersIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLERK = "clerk";
  private static final String CLERK_PASSWORD = "clerk-secret";
  private static final String ADMIN = "admin";
  private static final String ADMIN_PASSWORD = "admin-secret";
  private static final Pattern LISTENING =
      Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @ArquillianResource private URL base;

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(
        WebArchive.class, new File(System.getProperty("test.war", "target/orders.war")));
  }

  @Test
  void aPlacedOrderReachesSubscribersOfOrdersAllAndOfItsOwnChannel() throws Exception {
    try (HubClient clerk = HubClient.connect(ws(), CLERK, CLERK_PASSWORD)) {
      clerk.subscribe("orders:all");

      JsonNode order = place("{\"item\":\"tea\",\"quantity\":3}", "", 201);
      long id = order.path("id").asLong();

      JsonNode push = clerk.nextPush();
      assertThat(push.path("channel").asText()).isEqualTo("orders:all");
      assertThat(push.path("data").path("id").asLong()).isEqualTo(id);
      assertThat(push.path("data").path("item").asText()).isEqualTo("tea");
      assertThat(push.path("data").path("quantity").asInt()).isEqualTo(3);
      assertThat(push.path("data").path("createdAt").asText()).isNotEmpty();

      // orders:<id> got the same publication, kept in its history.
      JsonNode history =
          clerk.request("\"op\":\"history\",\"channel\":\"orders:" + id + "\",\"limit\":10");
      assertThat(history.path("publications")).hasSize(1);
      assertThat(history.path("publications").get(0).path("data")).isEqualTo(push.path("data"));
    }
  }

  /**
   * Two orders roll back after they were stored and their event fired (fail=true, quantity 0); the
   * order after them is the very next publication, one offset after the position the subscribe
   * reply gave, and the channel's history ends with it: nothing was published between.
   */
  @Test
  void aRolledBackOrderPublishesNothing() throws Exception {
    try (HubClient clerk = HubClient.connect(ws(), CLERK, CLERK_PASSWORD)) {
      JsonNode subscribed = clerk.subscribe("orders:all");
      long before = subscribed.path("offset").asLong();
      String epoch = subscribed.path("epoch").asText();
      assertThat(epoch).as("orders:* keeps history (web.xml)").isNotEmpty();

      JsonNode failed = place("{\"item\":\"gin\",\"quantity\":1}", "?fail=true", 422);
      assertThat(failed.path("error").asText()).contains("fail=true");
      place("{\"item\":\"rum\",\"quantity\":0}", "", 422);
      long id = place("{\"item\":\"milk\",\"quantity\":1}", "", 201).path("id").asLong();

      JsonNode push = clerk.nextPush();
      assertThat(push.path("data").path("id").asLong()).isEqualTo(id);
      assertThat(push.path("data").path("item").asText()).isEqualTo("milk");
      assertThat(push.path("offset").asLong()).isEqualTo(before + 1);
      assertThat(push.path("epoch").asText()).isEqualTo(epoch);

      JsonNode history =
          clerk.request(
              "\"op\":\"history\",\"channel\":\"orders:all\",\"limit\":3,\"reverse\":true");
      assertThat(history.path("offset").asLong()).isEqualTo(before + 1);
      JsonNode newest = history.path("publications").get(0);
      assertThat(newest.path("offset").asLong()).isEqualTo(before + 1);
      assertThat(newest.path("data").path("item").asText()).isEqualTo("milk");
      for (JsonNode p : history.path("publications")) {
        assertThat(p.path("data").path("item").asText()).isNotIn("gin", "rum");
      }
    }
  }

  @Test
  void getReturnsAStoredOrderAnd404ForAnUnknownOne() throws Exception {
    JsonNode placed = place("{\"item\":\"bread\",\"quantity\":2}", "", 201);
    HttpResponse<String> found = get("api/orders/" + placed.path("id").asLong());
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(found.body())).isEqualTo(placed);
    assertThat(get("api/orders/987654321").statusCode()).isEqualTo(404);
  }

  @Test
  void theTickerPublishesTheTimeEverySecond() throws Exception {
    try (HubClient clerk = HubClient.connect(ws(), CLERK, CLERK_PASSWORD)) {
      clerk.subscribe("orders:ticker");
      JsonNode first = clerk.nextPush();
      JsonNode second = clerk.nextPush();
      assertThat(first.path("channel").asText()).isEqualTo("orders:ticker");
      assertThat(second.path("offset").asLong()).isEqualTo(first.path("offset").asLong() + 1);
      assertThat(first.path("data").path("time").asText()).isNotEmpty();
      assertThat(second.path("data").path("time").asText())
          .isNotEqualTo(first.path("data").path("time").asText());
    }
  }

  /**
   * The container authenticates the handshake; Switchboard maps its roles to capabilities (web.xml:
   * user may subscribe to orders:*, admin also to admin:*).
   */
  @Test
  void onlyAdminsMaySubscribeToAdminChannels() throws Exception {
    try (HubClient clerk = HubClient.connect(ws(), CLERK, CLERK_PASSWORD);
        HubClient admin = HubClient.connect(ws(), ADMIN, ADMIN_PASSWORD)) {
      JsonNode refused = clerk.request("\"op\":\"subscribe\",\"channel\":\"admin:alerts\"");
      assertThat(refused.path("error").path("code").asInt()).as(refused.toString()).isEqualTo(111);
      assertThat(admin.subscribe("admin:alerts").path("ok").asBoolean()).isTrue();
      assertThat(admin.subscribe("orders:all").path("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void aHandshakeWithoutCredentialsIsRefusedWith401() {
    CompletableFuture<?> attempt =
        HubClient.builder(null, null).buildAsync(ws(), new java.net.http.WebSocket.Listener() {});
    assertThatThrownBy(attempt::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(WebSocketHandshakeException.class)
        .satisfies(
            e ->
                assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                    .isEqualTo(401));
  }

  /**
   * With the Redis engine: a second Switchboard node, the standalone jar on the same Redis and key
   * prefix, delivers the order the application server's bean published to its own subscriber.
   */
  @Test
  void anOrderReachesASubscriberOnAnotherNode() throws Exception {
    Assumptions.assumeTrue(
        "redis".equals(System.getProperty("test.engine")), "needs -Dtest.engine=redis");
    Process node =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dswitchboard.engine=redis",
                "-Dswitchboard.redis.uri=" + System.getProperty("test.redis.uri"),
                "-Dswitchboard.redis.prefix=" + System.getProperty("test.redis.prefix"),
                "-Dswitchboard.namespace.orders.history.size=100",
                "-Dswitchboard.namespace.orders.history.ttl=10m",
                "-jar",
                System.getProperty("test.switchboard.jar"),
                "--host",
                "127.0.0.1",
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    try {
      URI nodeB = URI.create(awaitListening(node).replace("http:", "ws:") + "/ws");
      try (HubClient remote = HubClient.connect(nodeB)) {
        remote.subscribe("orders:all");
        long id = place("{\"item\":\"jam\",\"quantity\":5}", "", 201).path("id").asLong();
        JsonNode push = remote.nextPush();
        assertThat(push.path("channel").asText()).isEqualTo("orders:all");
        assertThat(push.path("data").path("id").asLong()).isEqualTo(id);
        assertThat(push.path("data").path("item").asText()).isEqualTo("jam");
      }
    } finally {
      node.destroy();
      if (!node.waitFor(20, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }

  /** Reads the node's output until it says where it listens (30 s at most). */
  private static String awaitListening(Process node) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> address =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder seen = new StringBuilder();
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  seen.append(line).append('\n');
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    drain(out);
                    return m.group(1);
                  }
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              throw new IllegalStateException("the node ended before listening:\n" + seen);
            });
    return address.get(30, TimeUnit.SECONDS);
  }

  /** Keeps reading the node's output so that it never blocks on a full pipe. */
  private static void drain(BufferedReader out) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // discarded
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private JsonNode place(String body, String query, int expectedStatus) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri("api/orders" + query))
                .header("Authorization", HubClient.basic(CLERK, CLERK_PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", HubClient.basic(CLERK, CLERK_PASSWORD))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    try {
      return base.toURI().resolve(path); // the context path may be anything: build on base
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private URI ws() {
    return URI.create(uri("ws").toString().replaceFirst("^http", "ws"));
  }
}
