package dev.switchboard.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.QueuedFrame;
import dev.switchboard.protocol.BinaryEnvelope;
import dev.switchboard.protocol.Command;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessageEncoder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The positions a session's ids carry, read from the frames in the order they are written. */
class PositionsTest {
  private final Positions positions = new Positions();

  private String sent(String text) {
    return positions.sent(new QueuedFrame.Text(text));
  }

  @Test
  void aChannelEntersAtItsSubscribeReplyAndEachPublicationCarriesEveryPosition() {
    positions.posted(new Command.Subscribe(1, "a"));
    positions.posted(new Command.Subscribe(2, "b"));
    assertThat(sent(ServerMessageEncoder.subscribed(1, 4, "e1"))).isNull();
    assertThat(sent(ServerMessageEncoder.recovered(2, 9, "e2"))).isNull();
    assertThat(sent(ServerMessageEncoder.publication("a", 5, "e1", "{}")))
        .isEqualTo("{\"a\":[\"e1\",5],\"b\":[\"e2\",9]}");
    assertThat(
            positions.sent(
                new QueuedFrame.Binary(
                    BinaryEnvelope.encodePublication("b", new byte[] {7}, 10, "e2"))))
        .isEqualTo("{\"a\":[\"e1\",5],\"b\":[\"e2\",10]}");
    assertThat(sent(ServerMessageEncoder.publication("plain", 0, "", "1"))).isNull();
    assertThat(sent(ServerMessageEncoder.unsubscribe("a", ErrorCode.FORBIDDEN, "no"))).isNull();
    assertThat(sent(ServerMessageEncoder.publication("b", 11, "e2", "1")))
        .isEqualTo("{\"b\":[\"e2\",11]}");
  }

  @Test
  void aReasonThatQuotesAPositionDoesNotFoolTheReplyReader() {
    positions.posted(new Command.Subscribe(3, "c"));
    sent(ServerMessageEncoder.notRecovered(3, "\"offset\":99,\"epoch\":\"x\"", 2, "e"));
    assertThat(sent(ServerMessageEncoder.publication("c", 3, "e", "1")))
        .isEqualTo("{\"c\":[\"e\",3]}");
  }

  @Test
  void aSubscribePushAddsItsChannelAndAPublicationOfAnUntrackedOneCarriesNoId() {
    assertThat(sent(ServerMessageEncoder.publication("d", 3, "e", "1"))).isNull();
    sent(ServerMessageEncoder.subscribe("d", 3, "e"));
    assertThat(sent(ServerMessageEncoder.publication("d", 4, "e", "1")))
        .isEqualTo("{\"d\":[\"e\",4]}");
  }

  @Test
  void overEightKilobytesTheChannelsSubscribedFirstAreLeftOut() {
    for (int i = 0; i < 400; i++) {
      sent(ServerMessageEncoder.subscribe("channel-number-" + i, 1, "epoch"));
    }
    String id = sent(ServerMessageEncoder.publication("channel-number-399", 2, "epoch", "1"));
    assertThat(id.length()).isLessThanOrEqualTo(Positions.MAX_ID);
    assertThat(id)
        .startsWith("{\"channel-number-")
        .endsWith("\"channel-number-399\":[\"epoch\",2]}");
    assertThat(id).doesNotContain("\"channel-number-0\"");
    assertThat(Positions.parse(id)).hasSizeGreaterThan(200).containsKey("channel-number-399");
  }

  @Test
  void anIdIsParsedBackAndGarbageGivesNothing() {
    assertThat(Positions.parse("{\"a\":[\"e1\",5],\"b:x\":[\"e2\",9]}"))
        .isEqualTo(Map.of("a", new Command.Since(5, "e1"), "b:x", new Command.Since(9, "e2")));
    assertThat(Positions.parse("nonsense")).isEmpty();
    assertThat(Positions.parse(null)).isEmpty();
    assertThat(Positions.parse("{\"p:*\":[\"e\",1]}")).as("no patterns").isEmpty();
  }

  @Test
  void textWithLineBreaksBecomesSeveralDataLines() {
    assertThat(SseEvents.data(new StringBuilder(), "a\nb\r\nc").toString())
        .isEqualTo("data: a\ndata: b\ndata: c\n\n");
    assertThat(new String(SseEvents.close(1012, "bye"), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("event: close\ndata: {\"code\":1012,\"reason\":\"bye\"}\n\n");
  }
}
