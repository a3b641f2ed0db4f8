package dev.switchboard.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.auth.Capability;
import dev.switchboard.auth.Permissions;
import dev.switchboard.auth.RoleGrants;
import dev.switchboard.config.AuthKeys;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.config.Settings;
import dev.switchboard.hub.Namespaces;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The values the composition root turns into other areas' types. */
class ServerAssemblyConfigTest {
  @Test
  void byDefaultThereAreNoApiKeysAndNoOriginsBeyondTheHostsOwn() {
    ServerConfig c = ServerConfig.from(Settings.defaultsOnly());
    assertThat(c.get(ConfigKeys.API_KEYS)).isEmpty();
    assertThat(c.get(ConfigKeys.ORIGINS)).isEmpty();
  }

  @Test
  void aBadOriginApiKeyOrRedisPrefixStopsStartUpNamingTheKey() {
    assertThatThrownBy(
            () ->
                new ServerAssembly(
                    ServerConfig.defaults(Map.of("origins.allowed", "ftp://x")), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("origins.allowed")
        .hasMessageContaining("ftp://x");
    assertThatThrownBy(
            () ->
                new ServerAssembly(
                    ServerConfig.defaults(Map.of("api.keys", "ci:sha256:abc:publish")), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.keys")
        .hasMessageContaining("name:sha256:<64 hex digits>");
    assertThatThrownBy(
            () ->
                new ServerAssembly(ServerConfig.defaults(Map.of("redis.prefix", "sb*")), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.prefix")
        .hasMessageContaining("up to 64 letters, digits and _ : . -");
  }

  @Test
  void rolesComeFromAuthRoleKeysInAnySourceAndAreOffByDefault() {
    assertThat(AreaOptions.roles(ServerConfig.from(Settings.defaultsOnly())).isEmpty()).isTrue();
    ServerConfig c =
        ServerConfig.from(
            Settings.load(
                    null,
                    Map.of("SWITCHBOARD_AUTH_ROLE_ORDER_ADMIN", "publish:orders:*"),
                    new Properties(),
                    Map.of())
                .with(Map.of("auth.role.Clerk", "subscribe:orders:*,publish:chat:*")));
    RoleGrants roles = AreaOptions.roles(c);
    assertThat(roles.roles().keySet()).containsExactlyInAnyOrder("Clerk", "order_admin");
    Permissions clerk = roles.permissionsFor("Clerk"::equals);
    assertThat(clerk.allows("orders:1", Capability.SUBSCRIBE)).isTrue();
    assertThat(clerk.allows("orders:1", Capability.PUBLISH)).isFalse();
    assertThat(c.settings().warnings()).as("a role variable is a key").isEmpty();
    assertThat(c.get(AuthKeys.CONTAINER)).isTrue();
  }

  @Test
  void aBadRoleGrantStopsStartUpNamingTheKeyAndTheGrant() {
    assertThatThrownBy(
            () ->
                new ServerAssembly(
                    ServerConfig.defaults(Map.of("auth.role.clerk", "subscribe:orders:*,read:x")),
                    List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.role.clerk")
        .hasMessageContaining("unknown capability 'read'")
        .hasMessageContaining("capability:pattern");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("auth.role.a b", "subscribe:x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown configuration key 'auth.role.a b'");
  }

  @Test
  void theConfigsDefaultNamespaceIsTheHubs() {
    assertThat(ServerConfig.DEFAULT_NAMESPACE).isEqualTo(Namespaces.DEFAULT);
  }

  @Test
  void namespacesTakeTheDefaultNamespacesValueForWhatTheyLeaveOut() {
    Namespaces namespaces =
        AreaOptions.namespaces(
            ServerConfig.defaults(
                Map.of(
                    "namespace.default.publish",
                    "false",
                    "namespace.chat.history.size",
                    "50",
                    "namespace.chat.presence",
                    "true")));
    var chat = namespaces.of("chat:lobby");
    assertThat(chat.historySize()).isEqualTo(50);
    assertThat(chat.presence()).isTrue();
    assertThat(chat.publish()).isFalse(); // from namespace.default.publish
    assertThat(chat.historyTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(namespaces.of("lobby").publish()).isFalse();
    assertThat(namespaces.of("unconfigured:x")).isEqualTo(namespaces.of("lobby"));
    var demo = namespaces.of("demo:room");
    assertThat(demo.historySize()).isEqualTo(100);
    assertThat(demo.joinLeave()).isTrue();
  }

  @Test
  void namespacesStrictRefusesOnlyChannelsOfNamespacesNotConfigured() {
    assertThat(AreaOptions.namespaces(ServerConfig.defaults(Map.of())).unknown("ordrs:1")).isNull();
    Namespaces strict =
        AreaOptions.namespaces(
            ServerConfig.defaults(
                Map.of("namespaces.strict", "true", "namespace.orders.presence", "true")));
    assertThat(strict.unknown("ordrs:1")).isEqualTo("unknown namespace ordrs");
    assertThat(strict.unknown("ordrs:*")).isEqualTo("unknown namespace ordrs");
    assertThat(strict.unknown("orders:1")).isNull();
    assertThat(strict.unknown("demo:room")).isNull(); // configured in the bundled file
    assertThat(strict.unknown("lobby")).isNull();
    assertThat(strict.unknown("*")).isNull();
  }

  @Test
  void namespacesCanBeConfiguredFromTheEnvironment() {
    Namespaces namespaces =
        AreaOptions.namespaces(
            ServerConfig.from(
                Settings.load(
                    null,
                    Map.of(
                        "SWITCHBOARD_NAMESPACE_ORDERS_HISTORY_SIZE",
                        "7",
                        "SWITCHBOARD_NAMESPACE_ORDERS_MAX_MESSAGE_SIZE",
                        "2KiB"),
                    new Properties(),
                    Map.of())));
    assertThat(namespaces.of("orders:eu").historySize()).isEqualTo(7);
    assertThat(namespaces.of("orders:eu").maxMessageSize()).isEqualTo(2048);
  }
}
