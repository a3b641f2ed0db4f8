package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageSizeTest {

  @Test
  void countsUtf8BytesLikeTheEncoder() {
    String[] samples = {"", "ascii", "héllo", "€€€", "\uD83D\uDE00\uD83D\uDE00", "a€\uD83D\uDE00é"};
    for (String s : samples) {
      int bytes = s.getBytes(StandardCharsets.UTF_8).length;
      assertThat(MessageSize.exceeds(s, bytes)).as(s).isFalse();
      if (bytes > 0) {
        assertThat(MessageSize.exceeds(s, bytes - 1)).as(s).isTrue();
      }
    }
  }
}
