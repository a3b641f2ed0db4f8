package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionsTest {
  private final Permissions p =
      new Permissions(
          Map.of(
              "chat:*", EnumSet.of(Capability.SUBSCRIBE, Capability.PUBLISH),
              "orders:eu:*", EnumSet.of(Capability.SUBSCRIBE),
              "news", Set.of(Capability.HISTORY)));

  @Test
  void patternsCoverChannelsAndNarrowerPatterns() {
    assertThat(p.allows("chat:lobby", Capability.SUBSCRIBE)).isTrue();
    assertThat(p.allows("chat:a:b", Capability.PUBLISH)).isTrue();
    assertThat(p.allows("chatter", Capability.SUBSCRIBE)).isFalse();
    assertThat(p.allows("orders:eu:1", Capability.SUBSCRIBE)).isTrue();
    assertThat(p.allows("orders:us:1", Capability.SUBSCRIBE)).isFalse();
    assertThat(p.allows("orders:eu:*", Capability.SUBSCRIBE)).isTrue();
    assertThat(p.allows("orders:*", Capability.SUBSCRIBE)).isFalse(); // wider than the grant
    assertThat(p.allows("news", Capability.HISTORY)).isTrue();
    assertThat(p.allows("news", Capability.SUBSCRIBE)).isFalse();
    assertThat(Permissions.ALL.allows("*", Capability.SUBSCRIBE)).isTrue();
    assertThat(Permissions.NONE.allows("news", Capability.SUBSCRIBE)).isFalse();
  }
}
