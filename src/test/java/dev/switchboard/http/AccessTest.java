package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.memory.MemoryBroker;
import dev.switchboard.engine.memory.MemoryPresenceStore;
import dev.switchboard.hub.Hub;
import dev.switchboard.hub.HubOptions;
import dev.switchboard.protocol.ErrorCode;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Access#allows}: the same answer as the check, with nothing answered or counted. */
class AccessTest {
  private final Hub hub =
      Hub.start(
          HubOptions.defaults(), new MemoryBroker(Duration.ofHours(1)), new MemoryPresenceStore());
  private final Answers answers = new Answers(hub.metrics());

  @AfterEach
  void close() {
    hub.close();
  }

  private static ApiRequest request(String remote, Map<String, String> headers) throws Exception {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    return new ApiRequest(
        "GET",
        "/api/stats",
        null,
        h::get,
        InetAddress.getByName(remote),
        0,
        InputStream.nullInputStream());
  }

  @Test
  void withoutKeysOnlyADirectLoopbackCallerIsAdmin() throws Exception {
    Access access = new Access(List.of(), answers);
    assertThat(access.allows(request("127.0.0.1", Map.of()), ApiKey.Scope.ADMIN)).isTrue();
    assertThat(access.allows(request("::1", Map.of()), ApiKey.Scope.ADMIN)).isTrue();
    assertThat(access.allows(request("10.0.0.7", Map.of()), ApiKey.Scope.ADMIN)).isFalse();
    assertThat(
            access.allows(
                request("127.0.0.1", Map.of("X-Forwarded-For", "203.0.113.9")), ApiKey.Scope.ADMIN))
        .as("through a proxy on this machine")
        .isFalse();
    assertThat(hub.metrics().errors(ErrorCode.UNAUTHORIZED)).as("nothing counted").isZero();
  }

  @Test
  void withKeysOnlyAKeyWithTheScopeIsAllowedAndNoRefusalIsCounted() throws Exception {
    Access access =
        new Access(
            ApiKey.parseList(
                ApiKey.forConfig("ops", "a", ApiKey.Scope.ADMIN)
                    + ","
                    + ApiKey.forConfig("backend", "p", ApiKey.Scope.PUBLISH)),
            answers);
    assertThat(
            access.allows(
                request("10.0.0.7", Map.of("Authorization", "Bearer a")), ApiKey.Scope.ADMIN))
        .isTrue();
    assertThat(
            access.allows(
                request("10.0.0.7", Map.of("Authorization", "Bearer p")), ApiKey.Scope.ADMIN))
        .isFalse();
    assertThat(
            access.allows(
                request("10.0.0.7", Map.of("Authorization", "Bearer p")), ApiKey.Scope.PUBLISH))
        .isTrue();
    assertThat(access.allows(request("127.0.0.1", Map.of()), ApiKey.Scope.ADMIN))
        .as("loopback needs a key once keys are configured")
        .isFalse();
    assertThat(
            access.allows(
                request("10.0.0.7", Map.of("Authorization", "Bearer x")), ApiKey.Scope.ADMIN))
        .isFalse();
    assertThat(hub.metrics().errors(ErrorCode.UNAUTHORIZED)).isZero();
    assertThat(hub.metrics().errors(ErrorCode.FORBIDDEN)).isZero();
  }
}
