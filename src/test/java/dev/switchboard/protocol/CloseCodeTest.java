package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CloseCodeTest {

  @Test
  void applicationCodesBelow4500ReconnectAndAboveAreFinal() {
    assertThat(new CloseCode(4100, "x", true).reconnect()).isTrue();
    assertThat(new CloseCode(4600, "x", false).reconnect()).isFalse();
    assertThatThrownBy(() -> new CloseCode(4100, "x", false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CloseCode(4600, "x", true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reservedCodesCannotBeSent() {
    for (int reserved : new int[] {999, 1004, 1005, 1006, 1015, 2000, 5000}) {
      assertThat(CloseCode.isSendable(reserved)).as("code %d", reserved).isFalse();
    }
    assertThatThrownBy(() -> new CloseCode(1006, "abnormal", true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void knownCodesAreUniqueAndFindable() {
    Set<Integer> seen = new HashSet<>();
    for (CloseCode c : CloseCode.known()) {
      assertThat(seen.add(c.code())).isTrue();
      assertThat(CloseCode.of(c.code())).contains(c);
    }
    assertThat(CloseCode.SLOW_CONSUMER.code()).isEqualTo(4000);
  }

  @Test
  void errorCodesAreUnique() {
    Set<Integer> seen = new HashSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(seen.add(c.code())).as("code %d", c.code()).isTrue();
    }
  }
}
