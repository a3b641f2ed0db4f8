package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.CommandDecoder;
import dev.switchboard.protocol.Payload;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the load generator sends in each dialect; the hub's is what the server decodes. */
class DialectTest {
  private final CommandDecoder decoder = new CommandDecoder();

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void theHubDialectSendsCommandsTheServerDecodes() throws Exception {
    assertThat(decoder.decode(text(Dialect.HUB.subscribeMessage("bench:a"))))
        .isEqualTo(new Command.Subscribe(Command.NO_ID, "bench:a"));
    Dialect.Publishes publishes = Dialect.HUB.publishes("bench:a");
    assertThat(decoder.decode(text(publishes.of("p1-42-abc"))))
        .isEqualTo(
            new Command.Publish(Command.NO_ID, "bench:a", new Payload.Json("\"p1-42-abc\"")));
    assertThat(decoder.decode(text(publishes.of(""))))
        .isEqualTo(new Command.Publish(Command.NO_ID, "bench:a", new Payload.Json("\"\"")));
  }

  @Test
  void theOtherDialectsFrameThePayloadTheirOwnWay() {
    assertThat(text(Dialect.RAW.publishes("x").of("p1"))).isEqualTo("p1");
    assertThat(text(Dialect.SOCKETIO.publishes("x").of("p1"))).isEqualTo("42[\"pub\",\"p1\"]");
    assertThat(Dialect.RAW.subscribeMessage("x")).isNull();
  }
}
