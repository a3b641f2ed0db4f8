package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void clientsWithoutOriginAreNotBrowsersAndPass() {
    assertThat(OriginPolicy.of(List.of()).allows(null)).isTrue();
  }

  @Test
  void localhostOnAnyPortIsAllowedByTheDefaultList() {
    OriginPolicy p = OriginPolicy.of(OriginPolicy.LOCALHOST);
    assertThat(p.allows("http://localhost:3000")).isTrue();
    assertThat(p.allows("http://127.0.0.1:8080")).isTrue();
    assertThat(p.allows("https://[::1]:8443")).isTrue();
    assertThat(p.allows("http://localhost")).isTrue(); // the default port 80 is any port too
    assertThat(p.allows("http://evil.example")).isFalse();
    assertThat(p.allows("http://localhost.evil.example:80")).isFalse();
    assertThat(p.allows("null")).isFalse();
  }

  @Test
  void exactOriginsDefaultPortsAndSubdomainWildcards() {
    OriginPolicy p = OriginPolicy.of(List.of("https://app.example.com", "https://*.corp.example"));
    assertThat(p.allows("https://app.example.com")).isTrue();
    assertThat(p.allows("https://app.example.com:443")).isTrue();
    assertThat(p.allows("HTTPS://APP.EXAMPLE.COM")).isTrue();
    assertThat(p.allows("http://app.example.com")).isFalse();
    assertThat(p.allows("https://app.example.com:8443")).isFalse();
    assertThat(p.allows("https://a.b.corp.example")).isTrue();
    assertThat(p.allows("https://corp.example")).isFalse();
    assertThat(p.allows("https://evilcorp.example")).isFalse();
  }

  @Test
  void aLoneStarAllowsEveryOrigin() {
    assertThat(OriginPolicy.of(List.of("*")).allows("http://anything.example")).isTrue();
  }

  @Test
  void malformedEntriesAreRefused() {
    assertThatThrownBy(() -> OriginPolicy.of(List.of("app.example.com")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OriginPolicy.of(List.of("https://x/path")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
