package dev.switchboard.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.SwitchboardException;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.Tokens;
import dev.switchboard.testing.WsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backend decisions over HTTP on a real standalone server with real WebSocket clients, against a
 * backend in this process (com.sun.net.httpserver on 127.0.0.1): one that answers, one that never
 * answers (slow), one that fails (HTTP 500) and one that answers garbage.
 */
class ProxyEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Released at the end: the slow backend's handlers wait on it, far past proxy.timeout. */
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** Calls the backend got, by path and channel or method. */
  private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

  /** The connect requests the backend got. */
  private static final BlockingQueue<JsonNode> CONNECTS = new LinkedBlockingQueue<>();

  private static HttpServer backend;
  private static ExecutorService backendThreads;
  private static StandaloneServer server;
  private static StandaloneServer failOpen;

  @BeforeAll
  static void start() throws IOException {
    backendThreads = Executors.newCachedThreadPool();
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/", ProxyEndToEndTest::answer);
    backend.setExecutor(backendThreads);
    backend.start();
    String base = "http://127.0.0.1:" + backend.getAddress().getPort();
    server =
        TestServers.start(
            Map.of(
                "auth.hmac-secret",
                Tokens.SECRET,
                "proxy.connect.url",
                base + "/connect",
                "proxy.subscribe.url",
                base + "/subscribe",
                "proxy.publish.url",
                base + "/publish",
                "proxy.rpc.url",
                base + "/rpc",
                "proxy.timeout",
                "300ms",
                "proxy.retries",
                "1",
                "proxy.headers",
                "X-Tenant",
                "proxy.cookies",
                "session"));
    failOpen =
        TestServers.start(Map.of("proxy.subscribe.url", base + "/subscribe", "proxy.fail", "open"));
  }

  @AfterAll
  static void stop() {
    RELEASE.countDown();
    server.stop(Duration.ofSeconds(2));
    failOpen.stop(Duration.ofSeconds(2));
    backend.stop(0);
    backendThreads.shutdownNow();
  }

  /** The backend: decides by user, channel, data and method as the tests below expect. */
  private static void answer(HttpExchange exchange) throws IOException {
    JsonNode request = JSON.readTree(exchange.getRequestBody());
    String path = exchange.getRequestURI().getPath();
    String what = request.path(path.equals("/rpc") ? "method" : "channel").asText("");
    CALLS.computeIfAbsent(path + " " + what, k -> new AtomicInteger()).incrementAndGet();
    ObjectNode result = JSON.createObjectNode();
    String body = "{\"result\":{}}";
    int status = 200;
    switch (path) {
      case "/connect" -> {
        ((ObjectNode) request)
            .put("http_tenant", exchange.getRequestHeaders().getFirst("X-Tenant"));
        CONNECTS.add(request);
        if ("mallory".equals(request.path("user").asText())) {
          body = "{\"error\":{\"code\":1000,\"message\":\"banned\"}}";
        } else if ("slowpoke".equals(request.path("user").asText())) {
          awaitRelease();
        }
      }
      case "/subscribe" -> {
        switch (what) {
          case "secret" -> body = "{\"error\":{\"code\":403,\"message\":\"not for you\"}}";
          case "slow" -> awaitRelease();
          case "broken" -> status = 500;
          case "garbage" -> body = "{\"result\": not json";
          case "wrong-shape" -> body = "{\"error\":{\"code\":\"x\"}}";
          default -> {}
        }
      }
      case "/publish" -> {
        if ("rude".equals(request.path("data").asText())) {
          body = "{\"result\":{\"data\":\"polite\"}}";
        }
      }
      case "/rpc" -> {
        if ("echo".equals(what)) {
          result.set("echo", request.path("data"));
          result.set("user", request.path("user"));
          body = JSON.writeValueAsString(Map.of("result", Map.of("data", result)));
        } else {
          body = "{\"error\":{\"code\":404,\"message\":\"no such method\"}}";
        }
      }
      default -> status = 404;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void awaitRelease() {
    try {
      RELEASE.await(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static URI ws(StandaloneServer s) {
    return s.wsUri().resolve("/ws");
  }

  private static String token(String user) {
    return Tokens.hs256(
        Tokens.claims(
            user, Instant.now().plusSeconds(600), Map.of("*", List.of("subscribe", "publish"))));
  }

  private static Map<String, String> bearer(String user) {
    return Map.of("Authorization", "Bearer " + token(user));
  }

  private static int calls(String key) {
    AtomicInteger n = CALLS.get(key);
    return n == null ? 0 : n.get();
  }

  private static JsonNode proxyStats(StandaloneServer s) {
    Http.Response r = Http.get(s.httpUri().resolve("/api/stats"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("proxy");
  }

  @Test
  void theBackendSeesTheConnectingUserAndItsRefusalClosesWith4503AndItsMessage() throws Exception {
    try (WsClient erin = WsClient.connect(ws(server), bearer("erin"))) {
      erin.ok(i -> new Command.Subscribe(i, "news"));
      JsonNode seen = CONNECTS.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      while (seen != null && !"erin".equals(seen.path("user").asText())) {
        seen = CONNECTS.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      assertThat(seen).as("the connect request for erin").isNotNull();
      assertThat(seen.path("client").asText()).isNotEmpty();
      assertThat(seen.path("transport").asText()).isEqualTo("websocket");
    }
    try (WsClient mallory = WsClient.connect(ws(server), bearer("mallory"))) {
      WsClient.Close close = mallory.awaitClose();
      assertThat(close.code()).isEqualTo(4503);
      assertThat(close.reason()).isEqualTo("banned");
    }
  }

  @Test
  void aConnectTheBackendCannotDecideClosesWith1011SoTheClientReconnectsLater() {
    try (WsClient slowpoke = WsClient.connect(ws(server), bearer("slowpoke"))) {
      WsClient.Close close = slowpoke.awaitClose();
      assertThat(close.code()).isEqualTo(1011);
      assertThat(close.reason()).isEqualTo("backend unavailable: no answer within 300 ms");
    }
  }

  @Test
  void theListedHeadersAndCookiesReachTheBackendAndNoOthers() throws Exception {
    Map<String, String> headers = new java.util.HashMap<>(bearer("hal"));
    headers.put("X-Tenant", "acme");
    headers.put("X-Other", "secret");
    headers.put("Cookie", "theme=dark; session=abc123");
    try (WsClient hal = WsClient.connect(ws(server), headers)) {
      hal.ok(i -> new Command.Ping(i));
      JsonNode seen = CONNECTS.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      while (seen != null && !"hal".equals(seen.path("user").asText())) {
        seen = CONNECTS.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      assertThat(seen).as("the connect request for hal").isNotNull();
      assertThat(seen.path("headers"))
          .isEqualTo(JSON.readTree("{\"x-tenant\":\"acme\",\"cookie\":\"session=abc123\"}"));
      assertThat(seen.path("http_tenant").asText()).isEqualTo("acme");
    }
  }

  @Test
  void anEventStreamForwardsTheSameHeadersAndCookiesAsAWebSocket() throws Exception {
    try (dev.switchboard.testing.SseClient ivy =
        dev.switchboard.testing.SseClient.open(
                server.httpUri().resolve("/sse"),
                "Authorization",
                "Bearer " + token("ivy"),
                "X-Tenant",
                "acme",
                "X-Other",
                "secret",
                "Cookie",
                "theme=dark; session=abc123")
            .opened()) {
      JsonNode seen = CONNECTS.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      while (seen != null && !"ivy".equals(seen.path("user").asText())) {
        seen = CONNECTS.poll(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      assertThat(seen).as("the connect request for ivy").isNotNull();
      assertThat(seen.path("client").asText()).isEqualTo(ivy.client());
      assertThat(seen.path("headers"))
          .isEqualTo(JSON.readTree("{\"x-tenant\":\"acme\",\"cookie\":\"session=abc123\"}"));
    }
  }

  @Test
  void aSubscribeTheBackendDeniesGets111WithTheBackendsReason() {
    try (WsClient c = WsClient.connect(ws(server), bearer("sam"))) {
      assertThat(c.error(i -> new Command.Subscribe(i, "secret"), ErrorCode.FORBIDDEN).message())
          .isEqualTo("not for you");
      c.ok(i -> new Command.Subscribe(i, "open"));
    }
  }

  @Test
  void aPublicationTheBackendRewritesReachesSubscribersRewritten() {
    try (WsClient sub = WsClient.connect(ws(server), bearer("sue"));
        WsClient pub = WsClient.connect(ws(server), bearer("pat"))) {
      sub.ok(i -> new Command.Subscribe(i, "room"));
      pub.ok(i -> new Command.Publish(i, "room", new Payload.Json("\"rude\"")));
      pub.ok(i -> new Command.Publish(i, "room", new Payload.Json("\"fine\"")));
      assertThat(((Publication) sub.nextMessage()).payload())
          .isEqualTo(new Payload.Json("\"polite\""));
      assertThat(((Publication) sub.nextMessage()).payload())
          .isEqualTo(new Payload.Json("\"fine\""));
    }
  }

  @Test
  void anRpcIsAnsweredByTheBackendWithItsDataOrItsError() {
    try (WsClient c = WsClient.connect(ws(server), bearer("rita"))) {
      JsonNode reply = c.request("\"op\":\"rpc\",\"method\":\"echo\",\"data\":{\"n\":1}");
      assertThat(reply.path("result").path("data").path("echo").path("n").asInt()).isEqualTo(1);
      assertThat(reply.path("result").path("data").path("user").asText()).isEqualTo("rita");
      JsonNode error = c.request("\"op\":\"rpc\",\"method\":\"nope\"").path("error");
      assertThat(error.path("code").asInt()).isEqualTo(ErrorCode.APPLICATION.code());
      assertThat(error.path("app_code").asInt()).isEqualTo(404);
      assertThat(error.path("message").asText()).isEqualTo("no such method");
      JsonNode bad = c.request("\"op\":\"rpc\",\"data\":1").path("error");
      assertThat(bad.path("code").asInt()).isEqualTo(ErrorCode.BAD_FIELD.code());
    }
  }

  @Test
  void theJavaClientsRpcCompletesWithTheBackendsDataOrFailsWithItsError() throws Exception {
    try (SwitchboardClient client =
        SwitchboardClient.builder(ws(server)).token(token("jo")).build()) {
      client.connect().get(10, TimeUnit.SECONDS);
      Payload answer = client.rpc("echo", "[1,2]").get(10, TimeUnit.SECONDS);
      assertThat(JSON.readTree(((Payload.Json) answer).json()))
          .isEqualTo(JSON.readTree("{\"echo\":[1,2],\"user\":\"jo\"}"));
      assertThatThrownBy(() -> client.rpc("nope", "null").get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SwitchboardException.class)
          .cause()
          .satisfies(
              e -> {
                assertThat(((SwitchboardException) e).errorCode()).isEqualTo(117);
                assertThat(e.getMessage()).contains("no such method");
              });
    }
  }

  @Test
  void aBackendThatNeverAnswersTimesOutAndTheSubscribeIsDenied() {
    long timeoutsBefore = proxyStats(server).path("timeouts").asLong();
    try (WsClient c = WsClient.connect(ws(server), bearer("tim"))) {
      String reason = c.error(i -> new Command.Subscribe(i, "slow"), ErrorCode.FORBIDDEN).message();
      assertThat(reason).isEqualTo("backend unavailable: no answer within 300 ms");
      c.ok(i -> new Command.Subscribe(i, "after-slow")); // the connection goes on
    }
    assertThat(proxyStats(server).path("timeouts").asLong())
        .as("the call and its retry timed out")
        .isGreaterThanOrEqualTo(timeoutsBefore + 2);
  }

  @Test
  void aFailingBackendIsRetriedThenDeniesAndAMalformedAnswerDeniesWithoutRetry() {
    JsonNode before = proxyStats(server);
    try (WsClient c = WsClient.connect(ws(server), bearer("bob"))) {
      assertThat(c.error(i -> new Command.Subscribe(i, "broken"), ErrorCode.FORBIDDEN).message())
          .isEqualTo("backend unavailable: HTTP status 500");
      assertThat(c.error(i -> new Command.Subscribe(i, "garbage"), ErrorCode.FORBIDDEN).message())
          .isEqualTo("malformed backend answer");
      assertThat(
              c.error(i -> new Command.Subscribe(i, "wrong-shape"), ErrorCode.FORBIDDEN).message())
          .isEqualTo("malformed backend answer");
    }
    assertThat(calls("/subscribe broken")).as("one call and one retry").isEqualTo(2);
    assertThat(calls("/subscribe garbage")).as("an answer is not retried").isEqualTo(1);
    JsonNode after = proxyStats(server);
    assertThat(after.path("retries").asLong() - before.path("retries").asLong()).isEqualTo(1);
    assertThat(after.path("malformed").asLong() - before.path("malformed").asLong()).isEqualTo(2);
    assertThat(after.path("failures").asLong() - before.path("failures").asLong()).isEqualTo(4);
  }

  @Test
  void failingOpenAllowsWhenTheBackendFailsButNotWhenItAnswersGarbageOrDenies() {
    try (WsClient c = WsClient.connect(ws(failOpen))) {
      c.ok(i -> new Command.Subscribe(i, "broken"));
      c.error(i -> new Command.Subscribe(i, "garbage"), ErrorCode.FORBIDDEN);
      c.error(i -> new Command.Subscribe(i, "secret"), ErrorCode.FORBIDDEN);
      JsonNode none = c.request("\"op\":\"rpc\",\"method\":\"echo\"").path("error");
      assertThat(none.path("code").asInt()).isEqualTo(ErrorCode.NOT_ENABLED.code());
    }
    assertThat(proxyStats(failOpen).path("fallbacks").asLong()).isEqualTo(1);
  }
}
