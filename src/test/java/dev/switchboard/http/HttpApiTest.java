package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.testing.DownBroker;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the real-server tests cannot reach from loopback: remote callers and a failing engine. */
class HttpApiTest {

  /** The answer to {@code request}; the memory engine and a down broker both answer at once. */
  private static ApiResponse answer(HttpApi api, ApiRequest request) {
    return api.handle(request).toCompletableFuture().join();
  }

  private static ApiRequest publish(String remote, String json) throws Exception {
    return publish(remote, json, Map.of());
  }

  /** A publish with {@code extra} headers; header lookup ignores case, as servers' does. */
  private static ApiRequest publish(String remote, String json, Map<String, String> extra) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Type", "application/json");
    headers.putAll(extra);
    return new ApiRequest(
        "POST", "/api/publish", null, headers::get, InetAddress.getByName(remote), body.length, new ByteArrayInputStream(body));
  }

  @Test
  void withoutAnApiKeyOnlyLoopbackCallersMayPublish() throws Exception {
    Hub hub = Hub.start(HubOptions.defaults(), new MemoryBroker(java.time.Duration.ofHours(1)), new MemoryPresenceStore());
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");

    ApiResponse remote = answer(api, publish("10.1.2.3", "{\"channel\":\"a\",\"data\":1}"));
    assertThat(remote.status()).isEqualTo(403);
    assertThat(remote.json()).contains("\"code\":110");
    assertThat(answer(api, publish("127.0.0.1", "{\"channel\":\"a\",\"data\":1}")).status()).isEqualTo(200);
    assertThat(answer(api, publish("::1", "{\"channel\":\"a\",\"data\":1}")).status()).isEqualTo(200);
    assertThat(hub.metrics().errors(ErrorCode.UNAUTHORIZED)).isEqualTo(1);
  }

  @Test
  void withoutAnApiKeyALoopbackRequestThatNamesAProxyIsRefused() throws Exception {
    Hub hub = Hub.start(HubOptions.defaults(), new MemoryBroker(java.time.Duration.ofHours(1)), new MemoryPresenceStore());
    HttpApi api = new HttpApi(hub, List.of(), 1024, "test");

    for (String header : ProxyHeaders.NAMES) {
      ApiResponse r = answer(api, publish("127.0.0.1", "{\"channel\":\"a\",\"data\":1}", Map.of(header.toLowerCase(java.util.Locale.ROOT), "")));
      assertThat(r.status()).as(header).isEqualTo(403);
      assertThat(r.json()).as(header).contains("\"code\":110").contains(header).contains("api.keys");
    }
    assertThat(hub.metrics().errors(ErrorCode.UNAUTHORIZED)).isEqualTo(ProxyHeaders.NAMES.size());
    assertThat(hub.metrics().publishes()).isZero();
  }

  @Test
  void aForwardedRequestWithAValidApiKeyIsServed() throws Exception {
    Hub hub = Hub.start(HubOptions.defaults(), new MemoryBroker(java.time.Duration.ofHours(1)), new MemoryPresenceStore());
    HttpApi api =
        new HttpApi(hub, ApiKey.parseList(ApiKey.forConfig("backend", "k3y", ApiKey.Scope.PUBLISH)), 1024, "test");

    ApiResponse withKey =
        answer(api, 
            publish(
                "127.0.0.1",
                "{\"channel\":\"a\",\"data\":1}",
                Map.of("X-Forwarded-For", "203.0.113.9", "Authorization", "Bearer k3y")));
    assertThat(withKey.status()).isEqualTo(200);
    assertThat(answer(api, publish("127.0.0.1", "{\"channel\":\"a\",\"data\":1}", Map.of("X-Forwarded-For", "203.0.113.9"))).status())
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

    ApiResponse ready = answer(api, new ApiRequest("GET", "/ready", null, h -> null, null, 0, java.io.InputStream.nullInputStream()));
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json()).contains("\"ready\":false");
  }
}
