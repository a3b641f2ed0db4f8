package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.Broker;
import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.hub.NamespaceOptions;
import dev.switchboard.hub.Namespaces;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.DownBroker;
import dev.switchboard.testing.ForwardingBroker;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** What the real-server tests cannot reach from loopback: remote callers and a failing engine. */
class HttpApiTest {

  /** Records what the API sends back through the exchange. */
  private static final class RecordingExchange implements HttpExchange {
    private final ApiRequest request;
    final List<Reply> replies = new CopyOnWriteArrayList<>();

    /** What the API handed to the host's executor, run only when the test says so. */
    final Queue<Runnable> hostTasks = new ConcurrentLinkedQueue<>();

    RecordingExchange(ApiRequest request) {
      this.request = request;
    }

    @Override
    public ApiRequest request() {
      return request;
    }

    @Override
    public Executor executor() {
      return hostTasks::add;
    }

    void runHostTasks() {
      for (Runnable task; (task = hostTasks.poll()) != null; ) {
        task.run();
      }
    }

    @Override
    public void respond(Reply reply) {
      replies.add(reply);
    }
  }

  /** A hub on the memory engine, as every test here that does not need a special broker. */
  private static Hub memoryHub() {
    return Hub.start(
        HubOptions.defaults(),
        new MemoryBroker(java.time.Duration.ofHours(1)),
        new MemoryPresenceStore());
  }

  private static ApiRequest get(String method, String path) {
    return new ApiRequest(
        method, path, null, h -> null, null, 0, java.io.InputStream.nullInputStream());
  }

  /** The answer to {@code request}; the memory engine and a down broker both answer at once. */
  private static ApiResponse answer(HttpApi api, ApiRequest request) {
    return api.handle(request).toCompletableFuture().join();
  }

  private static ApiRequest publish(String remote, String json) throws Exception {
    return publish(remote, json, Map.of());
  }

  /** A publish with {@code extra} headers; header lookup ignores case, as servers' does. */
  private static ApiRequest publish(String remote, String json, Map<String, String> extra)
      throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Type", "application/json");
    headers.putAll(extra);
    return new ApiRequest(
        "POST",
        "/api/publish",
        null,
        headers::get,
        InetAddress.getByName(remote),
        body.length,
        new ByteArrayInputStream(body));
  }

  @Test
  void withoutAnApiKeyOnlyLoopbackCallersMayPublish() throws Exception {
    Hub hub = memoryHub();
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");

    ApiResponse remote = answer(api, publish("10.1.2.3", "{\"channel\":\"a\",\"data\":1}"));
    assertThat(remote.status()).isEqualTo(403);
    assertThat(remote.json()).contains("\"code\":110");
    assertThat(answer(api, publish("127.0.0.1", "{\"channel\":\"a\",\"data\":1}")).status())
        .isEqualTo(200);
    assertThat(answer(api, publish("::1", "{\"channel\":\"a\",\"data\":1}")).status())
        .isEqualTo(200);
    assertThat(hub.metrics().errors(ErrorCode.UNAUTHORIZED)).isEqualTo(1);
  }

  @Test
  void metricsAreServedInTheirOwnContentTypeOnlyWhenTheServerHasThem() throws Exception {
    Hub hub = memoryHub();
    MetricsText text =
        new MetricsText() {
          @Override
          public String contentType() {
            return "text/plain; version=0.0.4; charset=utf-8";
          }

          @Override
          public String scrape() {
            return "up 1.0\n";
          }
        };
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test", text);
    for (String method : new String[] {"GET", "HEAD"}) {
      ApiRequest request =
          new ApiRequest(
              method,
              "/metrics",
              null,
              h -> null,
              InetAddress.getByName("127.0.0.1"),
              0,
              java.io.InputStream.nullInputStream());
      RecordingExchange exchange = new RecordingExchange(request);
      api.serve(exchange);
      HttpExchange.Reply reply = exchange.replies.get(0);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.contentType()).isEqualTo(text.contentType());
      assertThat(reply.headers()).doesNotContainKey("Content-Type");
      assertThat(reply.contentLength()).isEqualTo(7);
      assertThat(new String(reply.body(), StandardCharsets.UTF_8))
          .isEqualTo(method.equals("GET") ? "up 1.0\n" : "");
    }
    assertThat(answer(api, get("POST", "/metrics")).status()).isEqualTo(405);
    assertThat(answer(new HttpApi(hub, List.of(), 1024, "test"), get("GET", "/metrics")).status())
        .isEqualTo(404);
  }

  @Test
  void withoutAnApiKeyALoopbackRequestThatNamesAProxyIsRefused() throws Exception {
    Hub hub = memoryHub();
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");

    for (String header : ProxyHeaders.NAMES) {
      ApiResponse r =
          answer(
              api,
              publish(
                  "127.0.0.1",
                  "{\"channel\":\"a\",\"data\":1}",
                  Map.of(header.toLowerCase(java.util.Locale.ROOT), "")));
      assertThat(r.status()).as(header).isEqualTo(403);
      assertThat(r.json())
          .as(header)
          .contains("\"code\":110")
          .contains(header)
          .contains("api.keys");
    }
    assertThat(hub.metrics().errors(ErrorCode.UNAUTHORIZED)).isEqualTo(ProxyHeaders.NAMES.size());
    assertThat(hub.metrics().publishes()).isZero();
  }

  @Test
  void aForwardedRequestWithAValidApiKeyIsServed() throws Exception {
    Hub hub = memoryHub();
    HttpApi api =
        new HttpApi(
            hub,
            ApiKey.parseList(ApiKey.forConfig("backend", "k3y", ApiKey.Scope.PUBLISH)),
            1024,
            "test");

    ApiResponse withKey =
        answer(
            api,
            publish(
                "127.0.0.1",
                "{\"channel\":\"a\",\"data\":1}",
                Map.of("X-Forwarded-For", "203.0.113.9", "Authorization", "Bearer k3y")));
    assertThat(withKey.status()).isEqualTo(200);
    assertThat(
            answer(
                    api,
                    publish(
                        "127.0.0.1",
                        "{\"channel\":\"a\",\"data\":1}",
                        Map.of("X-Forwarded-For", "203.0.113.9")))
                .status())
        .isEqualTo(401);
  }

  @Test
  void anEngineFailureIsReportedAs503AndNeverAsSuccess() throws Exception {
    Hub hub = Hub.start(HubOptions.defaults(), new DownBroker(), new MemoryPresenceStore());
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");

    ApiResponse r = answer(api, publish("127.0.0.1", "{\"channel\":\"a\",\"data\":1}"));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json()).contains("\"code\":109").contains("engine down");
    assertThat(hub.metrics().errors(ErrorCode.UNAVAILABLE)).isEqualTo(1);
    assertThat(hub.metrics().publishes()).isZero();

    ApiResponse ready =
        answer(
            api,
            new ApiRequest(
                "GET", "/ready", null, h -> null, null, 0, java.io.InputStream.nullInputStream()));
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json()).contains("\"ready\":false").contains("\"reason\":\"engine\"");
  }

  @Test
  void readyTurns503DrainingWhileStillAcceptingThenClosingOnceConnectionsAreRefused()
      throws Exception {
    Hub hub = memoryHub();
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");
    ApiRequest get =
        new ApiRequest(
            "GET", "/ready", null, h -> null, null, 0, java.io.InputStream.nullInputStream());
    assertThat(answer(api, get).status()).isEqualTo(200);

    hub.lifecycle().startDraining();
    ApiResponse draining = answer(api, get);
    assertThat(draining.status()).isEqualTo(503);
    assertThat(draining.json())
        .contains("\"ready\":false")
        .contains("\"accepting\":true")
        .contains("\"reason\":\"draining\"");

    hub.lifecycle().stopAccepting();
    ApiResponse closing = answer(api, get);
    assertThat(closing.status()).isEqualTo(503);
    assertThat(closing.json()).contains("\"accepting\":false").contains("\"reason\":\"closing\"");
    hub.close();
  }

  @Test
  void aPublishWaitingForTheEngineIsAnsweredOnAHostThreadOnceTheEngineAnswers() throws Exception {
    CompletableFuture<Void> engineAnswers = new CompletableFuture<>();
    Broker slow =
        new ForwardingBroker(new MemoryBroker(Duration.ofHours(1))) {
          @Override
          public CompletionStage<PublishResult> publish(
              String channel, Payload payload, PublishOptions options) {
            return engineAnswers.thenCompose(ignored -> super.publish(channel, payload, options));
          }
        };
    Hub hub = Hub.start(HubOptions.defaults(), slow, new MemoryPresenceStore());
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");
    RecordingExchange exchange =
        new RecordingExchange(publish("127.0.0.1", "{\"channel\":\"a\",\"data\":1}"));

    api.serve(exchange);
    assertThat(exchange.replies).isEmpty();

    engineAnswers.complete(null);
    assertThat(exchange.replies).as("not on the engine's thread").isEmpty();
    assertThat(exchange.hostTasks).hasSize(1);

    exchange.runHostTasks();
    assertThat(exchange.replies)
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(hub.metrics().publishes()).isEqualTo(1);
  }

  @Test
  void withStrictNamespacesAnUnknownNamespaceIsRefusedWith400And104() throws Exception {
    NamespaceOptions kept = new NamespaceOptions(10, Duration.ofMinutes(1), true, false, true, 64);
    Hub hub =
        Hub.start(
            new HubOptions(1 << 20, 16, new Namespaces(kept, Map.of("orders", kept), true)),
            new MemoryBroker(Duration.ofHours(1)),
            new MemoryPresenceStore());
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");

    ApiResponse published =
        answer(api, publish("127.0.0.1", "{\"channel\":\"ordrs:1\",\"data\":1}"));
    ApiResponse history =
        answer(
            api,
            new ApiRequest(
                "GET",
                "/api/history",
                "channel=ordrs:1",
                h -> null,
                loopback,
                0,
                java.io.InputStream.nullInputStream()));
    ApiResponse presence =
        answer(
            api,
            new ApiRequest(
                "GET",
                "/api/presence",
                "channel=ordrs:1",
                h -> null,
                loopback,
                0,
                java.io.InputStream.nullInputStream()));

    for (ApiResponse r : List.of(published, history, presence)) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json()).contains("\"code\":104").contains("unknown namespace ordrs");
    }
    assertThat(answer(api, publish("127.0.0.1", "{\"channel\":\"orders:1\",\"data\":1}")).json())
        .as("nothing was published before: the first publication is at offset 1")
        .contains("\"offset\":1");
    assertThat(answer(api, publish("127.0.0.1", "{\"channel\":\"a\",\"data\":1}")).status())
        .isEqualTo(200);
  }

  @Test
  void everyResponseIsUncacheableJsonAndAHeadRequestGetsTheLengthOfTheGetButNoBody() {
    Hub hub =
        Hub.start(
            HubOptions.defaults(),
            new MemoryBroker(Duration.ofHours(1)),
            new MemoryPresenceStore());
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");
    RecordingExchange get = new RecordingExchange(get("GET", "/ready"));
    RecordingExchange head = new RecordingExchange(get("HEAD", "/ready"));

    api.serve(get);
    api.serve(head);

    assertThat(get.hostTasks).as("answered at once, on the caller's thread").isEmpty();
    HttpExchange.Reply got = get.replies.get(0);
    HttpExchange.Reply headed = head.replies.get(0);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.contentType()).isEqualTo("application/json;charset=UTF-8");
    assertThat(got.headers()).containsEntry("Cache-Control", "no-store");
    assertThat(got.contentLength()).isPositive().isEqualTo(got.body().length);
    assertThat(new String(got.body(), StandardCharsets.UTF_8)).contains("\"ready\":true");
    assertThat(headed.status()).isEqualTo(200);
    assertThat(headed.headers()).isEqualTo(got.headers());
    assertThat(headed.contentLength()).isEqualTo(got.contentLength());
    assertThat(headed.body()).isEmpty();
  }

  @Test
  void aRefusalKeepsItsOwnHeadersBesideCacheControl() {
    Hub hub =
        Hub.start(
            HubOptions.defaults(),
            new MemoryBroker(Duration.ofHours(1)),
            new MemoryPresenceStore());
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");
    RecordingExchange exchange = new RecordingExchange(get("GET", "/api/publish"));

    api.serve(exchange);

    assertThat(exchange.replies)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(405);
              assertThat(r.headers())
                  .containsExactly(
                      Map.entry("Allow", "POST"), Map.entry("Cache-Control", "no-store"));
            });
  }
}
