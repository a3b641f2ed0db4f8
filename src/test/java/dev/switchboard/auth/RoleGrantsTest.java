package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Container roles' grants: parsing {@code auth.role.<role>} values and the union over roles. */
class RoleGrantsTest {
  private final RoleGrants grants =
      new RoleGrants(
          Map.of(
              "clerk", RoleGrants.parse("subscribe:orders:*, publish:chat:*"),
              "auditor", RoleGrants.parse("history:orders:*,presence:orders:*,subscribe:audit")));

  @Test
  void aGrantIsCapabilityThenPatternAndPatternsMayHoldColons() {
    Permissions p = RoleGrants.parse(" subscribe:orders:eu:* ,publish:chat:lobby,SUBSCRIBE:news,");
    assertThat(p.grants())
        .isEqualTo(
            Map.of(
                "orders:eu:*", Set.of(Capability.SUBSCRIBE),
                "chat:lobby", Set.of(Capability.PUBLISH),
                "news", Set.of(Capability.SUBSCRIBE)));
    assertThat(RoleGrants.parse("").grants()).isEmpty();
  }

  @Test
  void badGrantsAreRefusedNamingTheGrant() {
    assertThatThrownBy(() -> RoleGrants.parse("read:orders:*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown capability 'read'");
    assertThatThrownBy(() -> RoleGrants.parse("subscribe"))
        .hasMessageContaining("'subscribe' is not capability:pattern");
    assertThatThrownBy(() -> RoleGrants.parse("subscribe:"))
        .hasMessageContaining("is not capability:pattern");
    assertThatThrownBy(() -> RoleGrants.parse(":orders"))
        .hasMessageContaining("is not capability:pattern");
    assertThatThrownBy(() -> RoleGrants.parse("subscribe:orders:*:eu"))
        .hasMessageContaining("'orders:*:eu'")
        .hasMessageContaining("not a channel or a prefix followed by *");
    assertThatThrownBy(() -> RoleGrants.parse("subscribe:a b")).hasMessageContaining("'a b'");
  }

  @Test
  void aUserGetsTheUnionOfItsRolesGrants() {
    Permissions both = grants.permissionsFor(Set.of("clerk", "auditor")::contains);
    assertThat(both.allows("orders:eu:1", Capability.SUBSCRIBE)).isTrue();
    assertThat(both.allows("orders:eu:1", Capability.HISTORY)).isTrue();
    assertThat(both.allows("chat:x", Capability.PUBLISH)).isTrue();
    assertThat(both.allows("audit", Capability.SUBSCRIBE)).isTrue();
    assertThat(both.grants().get("orders:*"))
        .isEqualTo(EnumSet.of(Capability.SUBSCRIBE, Capability.HISTORY, Capability.PRESENCE));

    Permissions clerk = grants.permissionsFor("clerk"::equals);
    assertThat(clerk.allows("orders:1", Capability.SUBSCRIBE)).isTrue();
    assertThat(clerk.allows("orders:1", Capability.HISTORY)).isFalse();
    assertThat(clerk.allows("audit", Capability.SUBSCRIBE)).isFalse();
    assertThat(clerk.allows("chat:x", Capability.SUBSCRIBE)).isFalse();
  }

  @Test
  void aUserInNoConfiguredRoleMayDoNothing() {
    Permissions none = grants.permissionsFor(role -> role.equals("guest"));
    for (Capability c : Capability.values()) {
      assertThat(none.allows("orders:1", c)).isFalse();
    }
  }

  @Test
  void withNoRoleConfiguredAContainersUserMayDoEverything() {
    assertThat(RoleGrants.NONE.isEmpty()).isTrue();
    assertThat(RoleGrants.NONE.permissionsFor(role -> false)).isSameAs(Permissions.ALL);
  }
}
