package dev.switchboard.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Payload;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.standalone.StandaloneServer;
import dev.switchboard.testing.FakeBackend;
import dev.switchboard.testing.TestServers;
import dev.switchboard.testing.WsClient;
import java.util.Map;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CDI beans and the backend over HTTP together, on a real server, Weld SE and a backend in this
 * process: the beans are asked first, then the backend; a deny from either denies, a rewrite by the
 * beans is what the backend sees, and an rpc the beans do not handle goes to the backend.
 */
class CdiWithProxyTest {
  private final FakeBackend backend = new FakeBackend(CdiWithProxyTest::answer);
  private final StandaloneServer server =
      TestServers.start(
          Map.of(
              "proxy.subscribe.url", backend.url("/subscribe"),
              "proxy.publish.url", backend.url("/publish"),
              "proxy.rpc.url", backend.url("/rpc")));
  private final WeldContainer cdi =
      new Weld().disableDiscovery().addBeanClasses(TestBeans.Moderation.class).initialize();

  @AfterEach
  void close() {
    cdi.close();
    server.close();
    backend.close();
  }

  private static String answer(String path, JsonNode request) {
    return switch (path) {
      case "/subscribe" ->
          request.path("channel").asText().startsWith("backend-secret")
              ? "{\"error\":{\"code\":403,\"message\":\"the backend says no\"}}"
              : "{\"result\":{}}";
      case "/publish" -> "{\"result\":{\"data\":[" + request.path("data") + "]}}";
      default -> "{\"result\":{\"data\":\"from the backend\"}}";
    };
  }

  @Test
  void beansThenBackendEachMayDenyRewritesChainAndRpcFallsThroughToTheBackend() {
    CdiBridge bridge =
        CdiBridge.install(cdi.getBeanManager(), server.assembly(), getClass().getClassLoader());
    try (WsClient c = WsClient.connect(server.wsUri().resolve("/ws"))) {
      assertThat(c.error(i -> new Command.Subscribe(i, "secret:x"), ErrorCode.FORBIDDEN).message())
          .isEqualTo("no secrets here");
      assertThat(backend.requests("/subscribe", r -> true))
          .as("a bean's deny is final: the backend is not asked")
          .isEmpty();
      assertThat(
              c.error(i -> new Command.Subscribe(i, "backend-secret"), ErrorCode.FORBIDDEN)
                  .message())
          .isEqualTo("the backend says no");
      c.ok(i -> new Command.Subscribe(i, "room"));
      c.ok(i -> new Command.Publish(i, "room", new Payload.Json("\"darn\"")));
      assertThat(((Publication) c.nextMessage()).payload())
          .as("the bean rewrote, then the backend wrapped the bean's rewrite")
          .isEqualTo(new Payload.Json("[\"****\"]"));
      JsonNode rpc = c.request("\"op\":\"rpc\",\"method\":\"any\"");
      assertThat(rpc.path("result").path("data").asText()).isEqualTo("from the backend");

      bridge.close();
      assertThat(
              c.error(i -> new Command.Subscribe(i, "backend-secret2"), ErrorCode.FORBIDDEN)
                  .message())
          .as("closing the bridge gives the hub back the backend's decisions")
          .isEqualTo("the backend says no");
      c.ok(i -> new Command.Subscribe(i, "secret:y"));
    }
  }
}
