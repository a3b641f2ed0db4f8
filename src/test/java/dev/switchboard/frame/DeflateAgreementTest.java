package dev.switchboard.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.frame.DeflateAgreement.Param;
import dev.switchboard.frame.DeflateAgreement.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeflateAgreementTest {
  private static final Policy DEFAULT = new Policy(true, 15);

  private static Param p(String name) {
    return new Param(name, null);
  }

  private static Param p(String name, String value) {
    return new Param(name, value);
  }

  @Test
  void aBareOfferIsAnsweredWithNoContextTakeoverBothWays() {
    DeflateAgreement a = DeflateAgreement.accept(DEFAULT, List.of());
    assertThat(a).isNotNull();
    assertThat(a.response())
        .containsExactly("server_no_context_takeover", "client_no_context_takeover");
    assertThat(a.serverWindow()).isEqualTo(1 << 15);
    assertThat(a.clientNoContextTakeover()).isTrue();
  }

  @Test
  void clientContextTakeoverIsLeftToTheClientWhenThePolicyAllowsIt() {
    DeflateAgreement a = DeflateAgreement.accept(new Policy(false, 15), List.of());
    assertThat(a.response()).containsExactly("server_no_context_takeover");
    assertThat(a.clientNoContextTakeover()).isFalse();
    DeflateAgreement offered =
        DeflateAgreement.accept(new Policy(false, 15), List.of(p("client_no_context_takeover")));
    assertThat(offered.clientNoContextTakeover()).isTrue();
  }

  @Test
  void aSmallServerWindowBoundsTheMessagesSentCompressed() {
    DeflateAgreement a =
        DeflateAgreement.accept(DEFAULT, List.of(p("server_max_window_bits", "9")));
    assertThat(a.serverWindow()).isEqualTo(512);
    assertThat(a.response()).contains("server_max_window_bits=9");
  }

  @Test
  void theClientWindowIsAskedOnlyOfClientsThatOfferIt() {
    Policy small = new Policy(true, 10);
    assertThat(DeflateAgreement.accept(small, List.of()).response())
        .noneMatch(r -> r.startsWith("client_max_window_bits"));
    assertThat(DeflateAgreement.accept(small, List.of(p("client_max_window_bits"))).response())
        .contains("client_max_window_bits=10");
    assertThat(DeflateAgreement.accept(small, List.of(p("client_max_window_bits", "9"))).response())
        .contains("client_max_window_bits=9");
  }

  @Test
  void invalidOffersAreDeclined() {
    assertThat(DeflateAgreement.accept(DEFAULT, List.of(p("x_unknown")))).isNull();
    assertThat(DeflateAgreement.accept(DEFAULT, List.of(p("server_max_window_bits")))).isNull();
    assertThat(DeflateAgreement.accept(DEFAULT, List.of(p("server_max_window_bits", "7"))))
        .isNull();
    assertThat(DeflateAgreement.accept(DEFAULT, List.of(p("server_max_window_bits", "16"))))
        .isNull();
    assertThat(DeflateAgreement.accept(DEFAULT, List.of(p("server_max_window_bits", "010"))))
        .isNull();
    assertThat(DeflateAgreement.accept(DEFAULT, List.of(p("server_no_context_takeover", "1"))))
        .isNull();
    assertThat(
            DeflateAgreement.accept(
                DEFAULT, List.of(p("server_no_context_takeover"), p("server_no_context_takeover"))))
        .isNull();
  }
}
