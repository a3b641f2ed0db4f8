package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.Capability;
import dev.switchboard.auth.Identity;
import dev.switchboard.auth.Permissions;
import dev.switchboard.auth.RoleGrants;
import jakarta.websocket.server.HandshakeRequest;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The container's user of a handshake request as a connection's identity. */
class ContainerIdentityTest {
  private static final RoleGrants ROLES =
      new RoleGrants(
          Map.of(
              "clerk", RoleGrants.parse("subscribe:orders:*"),
              "chatter", RoleGrants.parse("publish:chat:*,subscribe:chat:*")));

  /** A handshake request as a container hands it over: a user (or none) and its roles. */
  private record Request(@Nullable String user, Set<String> roles) implements HandshakeRequest {
    @Override
    public Map<String, List<String>> getHeaders() {
      return Map.of();
    }

    @Override
    public @Nullable Principal getUserPrincipal() {
      String name = user;
      return name == null ? null : () -> name;
    }

    @Override
    public URI getRequestURI() {
      return URI.create("ws://localhost/ws");
    }

    @Override
    public boolean isUserInRole(String role) {
      return roles.contains(role);
    }

    @Override
    public @Nullable Object getHttpSession() {
      return null;
    }

    @Override
    public Map<String, List<String>> getParameterMap() {
      return Map.of();
    }

    @Override
    public @Nullable String getQueryString() {
      return null;
    }
  }

  @Test
  void theContainersUserIsTheIdentityWithItsRolesGrantsAndNoExpiry() {
    Identity who =
        ContainerIdentity.of(new Request("carol", Set.of("clerk", "other")), ROLES, true);
    assertThat(who).isNotNull();
    assertThat(who.user()).isEqualTo("carol");
    assertThat(who.info()).isNull();
    assertThat(who.expiresAt()).isEqualTo(Instant.MAX);
    assertThat(who.permissions().allows("orders:1", Capability.SUBSCRIBE)).isTrue();
    assertThat(who.permissions().allows("chat:1", Capability.SUBSCRIBE)).isFalse();
  }

  @Test
  void noUserOrSwitchedOffMeansNoIdentity() {
    assertThat(ContainerIdentity.of(new Request(null, Set.of("clerk")), ROLES, true)).isNull();
    assertThat(ContainerIdentity.of(new Request("carol", Set.of("clerk")), ROLES, false)).isNull();
  }

  @Test
  void withoutConfiguredRolesTheUserMayDoEverything() {
    Identity who = ContainerIdentity.of(new Request("dan", Set.of()), RoleGrants.NONE, true);
    assertThat(who).isNotNull();
    assertThat(who.permissions()).isSameAs(Permissions.ALL);
  }
}
