package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
  private static final Tokens TOKENS = new Tokens();
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private TokenVerifier hmacOnly;
  private TokenVerifier keysOnly;
  private Instant exp;

  @BeforeEach
  void setUp() throws Exception {
    hmacOnly = TokenVerifier.create(Tokens.SECRET, null, "", "", clock);
    keysOnly = TokenVerifier.create("", TOKENS.writePublicKeys(dir), "", "", clock);
    exp = clock.instant().plus(Duration.ofMinutes(10));
  }

  private static void refused(TokenVerifier v, String token, String why, boolean expired) {
    assertThatThrownBy(() -> v.verify(token))
        .isInstanceOfSatisfying(
            TokenException.class,
            e -> {
              assertThat(e.getMessage()).contains(why);
              assertThat(e.expired()).isEqualTo(expired);
            });
  }

  @Test
  void aValidTokenGivesUserInfoPermissionsAndExpiry() throws Exception {
    var claims =
        new com.nimbusds.jwt.JWTClaimsSet.Builder(
                Tokens.claims("alice", exp, Map.of("chat:*", List.of("subscribe", "publish"))))
            .claim("info", Map.of("name", "Alice"))
            .build();
    Identity who = hmacOnly.verify(Tokens.hs256(claims));
    assertThat(who.user()).isEqualTo("alice");
    assertThat(who.info()).isEqualTo("{\"name\":\"Alice\"}");
    assertThat(who.expiresAt()).isEqualTo(exp.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(who.permissions().allows("chat:lobby", Capability.PUBLISH)).isTrue();
    assertThat(who.permissions().allows("chat:lobby", Capability.HISTORY)).isFalse();
    assertThat(who.permissions().allows("news", Capability.SUBSCRIBE)).isFalse();

    assertThat(keysOnly.verify(TOKENS.rs256(Tokens.claims("bob", exp, null))).user())
        .isEqualTo("bob");
    assertThat(keysOnly.verify(TOKENS.es256(Tokens.claims("carol", exp, null))).user())
        .isEqualTo("carol");
  }

  @Test
  void expiredTokensAreRefusedAsExpired() {
    String token = Tokens.hs256(Tokens.claims("alice", exp, null));
    clock.advance(Duration.ofMinutes(11));
    refused(hmacOnly, token, "expired", true);
  }

  @Test
  void wrongSignaturesAndAlgorithmsAreRefused() {
    refused(
        hmacOnly,
        Tokens.hs256(Tokens.claims("a", exp, null), "another-secret-of-32-bytes-or-more!!"),
        "signature",
        false);
    refused(hmacOnly, Tokens.unsigned(Tokens.claims("a", exp, null)), "not a signed JWT", false);
    refused(hmacOnly, TOKENS.rs256(Tokens.claims("a", exp, null)), "not accepted", false);
    // HS/RS confusion: an HS256 token "signed" with the RSA public key is not checked against it.
    refused(
        keysOnly,
        TOKENS.confused(Tokens.claims("a", exp, null)),
        "HS256 tokens are not accepted",
        false);
    refused(hmacOnly, "not.a.jwt", "not a signed JWT", false);
    refused(hmacOnly, "", "no token", false);
  }

  @Test
  void claimsAreChecked() throws Exception {
    var noExp = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("a").build();
    refused(hmacOnly, Tokens.hs256(noExp), "no exp", false);
    var notYet =
        new com.nimbusds.jwt.JWTClaimsSet.Builder(Tokens.claims("a", exp, null))
            .notBeforeTime(java.util.Date.from(clock.instant().plusSeconds(60)))
            .build();
    refused(hmacOnly, Tokens.hs256(notYet), "not valid yet", false);
    TokenVerifier strict =
        TokenVerifier.create(Tokens.SECRET, null, "https://issuer", "switchboard", clock);
    refused(strict, Tokens.hs256(Tokens.claims("a", exp, null)), "wrong issuer", false);
    var right =
        new com.nimbusds.jwt.JWTClaimsSet.Builder(Tokens.claims("a", exp, null))
            .issuer("https://issuer")
            .audience("switchboard")
            .build();
    assertThat(strict.verify(Tokens.hs256(right)).user()).isEqualTo("a");
    var badChannels =
        new com.nimbusds.jwt.JWTClaimsSet.Builder(Tokens.claims("a", exp, null))
            .claim("channels", Map.of("x", List.of("fly")))
            .build();
    refused(hmacOnly, Tokens.hs256(badChannels), "unknown capability", false);
  }
}
