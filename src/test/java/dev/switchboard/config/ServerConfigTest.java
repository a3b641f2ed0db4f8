package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir Path dir;

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerConfig c = ServerConfig.from(Settings.defaultsOnly());
    assertThat(c.get(ServerKeys.HOST)).isEqualTo("127.0.0.1");
    assertThat(c.get(ServerKeys.PORT)).isEqualTo(8080);
    assertThat(c.get(EngineKeys.ENGINE)).isEqualTo("memory");
    assertThat(c.get(WsKeys.MAX_MESSAGE_SIZE)).isEqualTo(64 * 1024);
    assertThat(c.get(WsKeys.MAX_FRAGMENTS)).isEqualTo(128);
    assertThat(c.get(WsKeys.PING_INTERVAL)).isEqualTo(Duration.ofSeconds(25));
    assertThat(c.get(AuthKeys.REQUIRED)).isFalse();
    assertThat(c.get(WsKeys.ECHO_MAX_MESSAGE_SIZE)).isEqualTo(16 * 1024 * 1024);
    assertThat(c.get(WsKeys.OUTBOX_MAX_BYTES)).isEqualTo(1024 * 1024);
    assertThat(c.get(ServerKeys.SHUTDOWN_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.get(ServerKeys.TLS_KEYSTORE)).isEmpty();
    assertThat(c.settings().get("api.keys")).isEmpty();
    assertThat(c.settings().get("origins.allowed")).isEmpty();
  }

  @Test
  void laterSourcesWinFileThenEnvironmentThenSystemPropertyThenFlag() throws IOException {
    Path file = dir.resolve("sb.properties");
    Files.writeString(
        file,
        "server.port=1001\nserver.host=0.0.0.0\nhub.max-subscriptions=7\nws.ping-interval=5s\n");
    Settings s =
        Settings.load(
            file,
            Map.of(
                "SWITCHBOARD_SERVER_PORT",
                "1002",
                "SWITCHBOARD_HUB_MAX_SUBSCRIPTIONS",
                "8",
                "SWITCHBOARD_WS_PING_INTERVAL",
                "6s"),
            props("switchboard.server.port", "1003", "switchboard.hub.max-subscriptions", "9"),
            Map.of("server.port", "1004"));
    ServerConfig c = ServerConfig.from(s);
    assertThat(c.get(ServerKeys.HOST)).isEqualTo("0.0.0.0");
    assertThat(c.get(WsKeys.PING_INTERVAL)).isEqualTo(Duration.ofSeconds(6));
    assertThat(c.get(WsKeys.MAX_SUBSCRIPTIONS)).isEqualTo(9);
    assertThat(c.get(ServerKeys.PORT)).isEqualTo(1004);
  }

  @Test
  void whatAWebApplicationPackagedIsAboveTheDefaultsAndBelowFileEnvironmentAndSystemProperties()
      throws IOException {
    Path file = dir.resolve("ops.properties");
    Files.writeString(file, "web.api=false\n");
    Settings.Packaged packaged =
        new Settings.Packaged(
            "context parameter switchboard.",
            Map.of(
                "web.echo", "true",
                "web.api", "true",
                "web.docs", "true",
                "ws.path", "/live",
                "hub.max-subscriptions", "7"));
    ServerConfig c =
        ServerConfig.from(
            Settings.load(
                packaged,
                file,
                Map.of("SWITCHBOARD_WEB_DOCS", "false"),
                props("switchboard.hub.max-subscriptions", "9")));
    assertThat(c.get(WebKeys.ECHO)).isTrue();
    assertThat(c.get(WebKeys.WS_PATH)).isEqualTo("/live");
    assertThat(c.get(WebKeys.API)).as("the file wins").isFalse();
    assertThat(c.get(WebKeys.DOCS)).as("the environment wins").isFalse();
    assertThat(c.get(WsKeys.MAX_SUBSCRIPTIONS)).as("the system property wins").isEqualTo(9);
    assertThat(c.settings().source("ws.path")).isEqualTo("context parameter switchboard.ws.path");
  }

  @Test
  void aWebApplicationServesOnlyTheHubAtWsUnlessItTurnsTheRestOn() {
    ServerConfig c = ServerConfig.defaults(Map.of());
    assertThat(c.get(WebKeys.ENABLED)).isTrue();
    assertThat(c.get(WebKeys.WS_PATH)).isEqualTo("/ws");
    assertThat(c.get(WebKeys.ECHO)).isFalse();
    assertThat(c.get(WebKeys.API)).isFalse();
    assertThat(c.get(WebKeys.DOCS)).isFalse();
  }

  @Test
  void aPackagedTypoOrABadPathStopsStartUpNamingTheContextParameter() {
    assertThatThrownBy(
            () ->
                Settings.load(
                    new Settings.Packaged("context parameter switchboard.", Map.of("ws.pth", "/x")),
                    null,
                    Map.of(),
                    new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("context parameter switchboard.ws.pth");
    for (String bad : new String[] {"ws", "/", "/ws/", "/a/../b", "/ws/*", "/{id}", "/a b"}) {
      assertThatThrownBy(() -> ServerConfig.defaults(Map.of("ws.path", bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("ws.path");
    }
    assertThat(ServerConfig.defaults(Map.of("ws.path", "/live/hub-1")).get(WebKeys.WS_PATH))
        .isEqualTo("/live/hub-1");
  }

  @Test
  void environmentNamesUpperCaseAndTurnDotsAndDashesIntoUnderscores() {
    assertThat(Settings.envName("server.port")).isEqualTo("SWITCHBOARD_SERVER_PORT");
    assertThat(Settings.envName("tls.keystore-password"))
        .isEqualTo("SWITCHBOARD_TLS_KEYSTORE_PASSWORD");
  }

  @Test
  void anInvalidValueNamesTheKeyItsSourceAndTheAcceptedValues() {
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("server.port", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.port")
        .hasMessageContaining("eighty")
        .hasMessageContaining("an integer from 0 to 65535");
    assertThatThrownBy(
            () ->
                ServerConfig.from(
                    Settings.load(
                        null,
                        Map.of("SWITCHBOARD_ENGINE", "cassandra"),
                        new Properties(),
                        Map.of())))
        .hasMessageContaining("engine")
        .hasMessageContaining("environment variable SWITCHBOARD_ENGINE")
        .hasMessageContaining("one of memory");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("ws.ping-interval", "forever")))
        .hasMessageContaining("ws.ping-interval")
        .hasMessageContaining("like 500ms, 30s, 5m or 1h");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("outbox.max-bytes", "2k")))
        .hasMessageContaining("outbox.max-bytes")
        .hasMessageContaining("at least ws.max-message-size");
    assertThatThrownBy(
            () -> ServerConfig.defaults(Map.of("auth.required", "true", "auth.container", "false")))
        .hasMessageContaining("auth.required")
        .hasMessageContaining("auth.hmac-secret")
        .hasMessageContaining("auth.container=true");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("auth.hmac-secret", "short")))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("tls.keystore", "/no/such/file.p12")))
        .hasMessageContaining("tls.keystore")
        .hasMessageContaining("an existing file");
  }

  @Test
  void unknownKeysAreRefusedSoTyposDoNotPassSilently() throws IOException {
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "server.prot=9000\n");
    assertThatThrownBy(() -> Settings.load(file, Map.of(), new Properties(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.prot")
        .hasMessageContaining(file.toString());
    assertThatThrownBy(
            () -> Settings.load(null, Map.of(), props("switchboard.sever.port", "1"), Map.of()))
        .hasMessageContaining("sever.port");
  }

  @Test
  void sizesAcceptUnits() {
    assertThat(
            ServerConfig.defaults(Map.of("ws.max-message-size", "128KiB"))
                .get(WsKeys.MAX_MESSAGE_SIZE))
        .isEqualTo(131072);
    assertThat(
            ServerConfig.defaults(Map.of("ws.max-message-size", "2k")).get(WsKeys.MAX_MESSAGE_SIZE))
        .isEqualTo(2048);
    assertThat(
            ServerConfig.defaults(Map.of("outbox.max-bytes", "3MiB")).get(WsKeys.OUTBOX_MAX_BYTES))
        .isEqualTo(3 << 20);
    assertThat(
            ServerConfig.defaults(Map.of("ws.max-message-size", "1000"))
                .get(WsKeys.MAX_MESSAGE_SIZE))
        .isEqualTo(1000);
  }

  @Test
  void anUnknownNamespaceOptionOrBadValueStopsStartUpNamingTheKey() {
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("namespace.chat.histroy.size", "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("namespace.chat.histroy.size");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("namespace.chat.presence", "yes")))
        .hasMessageContaining("namespace.chat.presence")
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("namespace.bad.name.presence", "true")))
        .hasMessageContaining("namespace.bad.name.presence");
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("namespace.chat.history.ttl", "0s")))
        .hasMessageContaining("namespace.chat.history.ttl");
  }

  @Test
  void aKeyParsedByAnotherAreaNamesTheKeyItsValueItsSourceAndWhatItAccepts() {
    Key<Integer> even =
        new Key<>(
            "hub.max-subscriptions",
            "512",
            Parser.of(
                "an even number",
                s -> {
                  int n = Integer.parseInt(s);
                  if (n % 2 != 0) {
                    throw new IllegalArgumentException(n + " is odd");
                  }
                  return n;
                }),
            "Channels one connection may be subscribed to, an even number of them.");
    assertThat(ServerConfig.defaults(Map.of("hub.max-subscriptions", "8")).get(even)).isEqualTo(8);
    assertThatThrownBy(() -> ServerConfig.defaults(Map.of("hub.max-subscriptions", "7")).get(even))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'7' for hub.max-subscriptions")
        .hasMessageContaining("(from override)")
        .hasMessageContaining("expected an even number (7 is odd)");
  }

  @Test
  void aKeyHasANameADocAndADefaultItsParserAccepts() {
    assertThatThrownBy(() -> new Key<>("ws.rate.messages", "lots", Parser.integer(0, 9), "Rate."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the default 'lots' of ws.rate.messages is not an integer from 0 to 9");
    assertThatThrownBy(() -> new Key<>("ws.rate.messages", "1", Parser.integer(0, 9), " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ws.rate.messages has no documentation");
    assertThatThrownBy(() -> new Key<>("ws.rate messages", "1", Parser.integer(0, 9), "Rate."))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
