package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class UnknownVariablesTest {
  private static Settings load(Map<String, String> env) {
    return Settings.load(null, env, new Properties(), Map.of());
  }

  @Test
  void aMistypedVariableIsNamedOnceWithTheClosestKnownOne() {
    Settings s =
        load(Map.of("SWITCHBOARD_WS_RATE_MESAGES", "0", "SWITCHBOARD_SERVER_PORT", "9000"));
    assertThat(s.warnings())
        .containsExactly(
            "unknown environment variable SWITCHBOARD_WS_RATE_MESAGES is ignored;"
                + " did you mean SWITCHBOARD_WS_RATE_MESSAGES (ws.rate.messages)?");
    assertThat(s.get("ws.rate.messages"))
        .isEqualTo(Settings.defaultsOnly().get("ws.rate.messages"));
  }

  @Test
  void aMistypedNamespaceOptionSuggestsTheSameNamespace() {
    Settings s = load(Map.of("SWITCHBOARD_NAMESPACE_CHAT_PRESENSE", "true"));
    assertThat(s.warnings())
        .singleElement()
        .asString()
        .contains("SWITCHBOARD_NAMESPACE_CHAT_PRESENSE")
        .contains("did you mean SWITCHBOARD_NAMESPACE_CHAT_PRESENCE (namespace.chat.presence)?");
  }

  @Test
  void variablesThatSetKeysAndDocumentedNonKeyVariablesAreNotWarnedAbout() {
    Settings s =
        load(
            Map.of(
                "SWITCHBOARD_CONFIG", "",
                "SWITCHBOARD_TOKEN", "x",
                "SWITCHBOARD_OUTBOX_MAX_BYTES", "2MiB",
                "SWITCHBOARD_NAMESPACE_ORDERS_HISTORY_SIZE", "7",
                "PATH", "/usr/bin",
                "SWITCHBOARDX", "unrelated"));
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void warningsSurviveOverridesAndComeInNameOrder() {
    Settings s =
        load(Map.of("SWITCHBOARD_SERVR_PORT", "1", "SWITCHBOARD_ENGNE", "memory"))
            .with(Map.of("server.port", "0"));
    assertThat(s.warnings()).hasSize(2);
    assertThat(s.warnings().get(0))
        .contains("SWITCHBOARD_ENGNE")
        .contains("SWITCHBOARD_ENGINE (engine)");
    assertThat(s.warnings().get(1))
        .contains("SWITCHBOARD_SERVR_PORT")
        .contains("SWITCHBOARD_SERVER_PORT (server.port)");
  }

  @Test
  void distanceCountsSingleEdits() {
    assertThat(UnknownVariables.distance("MESAGES", "MESSAGES")).isEqualTo(1);
    assertThat(UnknownVariables.distance("ENGNIE", "ENGINE")).isEqualTo(2);
    assertThat(UnknownVariables.distance("", "ABC")).isEqualTo(3);
    assertThat(UnknownVariables.distance("SAME", "SAME")).isZero();
  }
}
