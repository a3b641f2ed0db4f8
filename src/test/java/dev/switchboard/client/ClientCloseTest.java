package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** What {@link SwitchboardClient#close(int, String)} accepts; no server needed. */
class ClientCloseTest {
  private static SwitchboardClient client() {
    return SwitchboardClient.builder(URI.create("ws://127.0.0.1:9/ws")).build();
  }

  @Test
  void closeRefusesCodesAnApplicationMayNotSendAndReasonsTooLongForACloseFrame() {
    try (SwitchboardClient client = client()) {
      assertThatThrownBy(() -> client.close(1006, "abnormal"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1006");
      assertThatThrownBy(() -> client.close(2999, "reserved"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.close(5000, "out of range"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.close(4000, "é".repeat(62)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("123 bytes");
      assertThat(client.state())
          .as("refused closes leave it as it was")
          .isEqualTo(ConnectionState.IDLE);
    }
  }

  @Test
  void closeTakesAnApplicationCodeWithAReasonThatJustFits() {
    SwitchboardClient client = client();
    client.close(4100, "é".repeat(61) + "!"); // 123 bytes
    assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
  }
}
