package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.PublishOptions;
import dev.switchboard.engine.PublishResult;
import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.http.HttpApi;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.protocol.Payload;
import dev.switchboard.testing.ForwardingBroker;
import dev.switchboard.testing.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API servlet in a servlet container (embedded Tomcat, no WAR): responses written in async
 * mode, also when the engine answers after the servlet returned. The WAR tests run the same API on
 * every container.
 */
class ApiServletTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final CompletableFuture<Void> engineAnswers = new CompletableFuture<>();
  private Tomcat tomcat;
  private URI base;

  @BeforeEach
  void startTomcat() throws Exception {
    ForwardingBroker slow =
        new ForwardingBroker(new MemoryBroker(Duration.ofHours(1))) {
          @Override
          public CompletionStage<PublishResult> publish(
              String channel, Payload payload, PublishOptions options) {
            return engineAnswers.thenCompose(ignored -> super.publish(channel, payload, options));
          }
        };
    Hub hub = Hub.start(HubOptions.defaults(), slow, new MemoryPresenceStore());
    tomcat = new Tomcat();
    tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("api-servlet").toString());
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = tomcat.addContext("", null);
    // As SwitchboardInitializer registers it: async support, the API's paths.
    Wrapper api =
        Tomcat.addServlet(ctx, "api", new ApiServlet(new HttpApi(hub, List.of(), 1024, "test")));
    api.setAsyncSupported(true);
    for (String path : List.of("/health", "/ready", "/api/*")) {
      ctx.addServletMappingDecoded(path, "api");
    }
    tomcat.start();
    base = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
  }

  @AfterEach
  void stopTomcat() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }

  @Test
  void anAnswerKnownAtOnceIsUncacheableJsonAndHeadGetsItsHeadersOnly() throws Exception {
    Http.Response get = Http.get(base.resolve("/ready"));
    HttpResponse<String> head =
        CLIENT.send(
            HttpRequest.newBuilder(base.resolve("/ready"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).contains("\"ready\":true");
    assertThat(get.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(get.raw().headers().firstValue("Content-Type"))
        .hasValue("application/json;charset=UTF-8");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(
            String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
  }

  @Test
  void aPublishIsAnsweredWhenTheEngineAnswersAfterTheServletReturned() throws Exception {
    CompletableFuture<HttpResponse<String>> published =
        CLIENT.sendAsync(
            HttpRequest.newBuilder(base.resolve("/api/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"a\",\"data\":1}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engineAnswers.getNumberOfDependents() > 0);
    assertThat(published).isNotDone();
    engineAnswers.complete(null);

    HttpResponse<String> r = published.get();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"ok\":true");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
  }
}
