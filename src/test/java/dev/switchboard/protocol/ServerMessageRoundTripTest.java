package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.ServerMessage.Entry;
import dev.switchboard.protocol.ServerMessage.ErrorReply;
import dev.switchboard.protocol.ServerMessage.Join;
import dev.switchboard.protocol.ServerMessage.Leave;
import dev.switchboard.protocol.ServerMessage.Member;
import dev.switchboard.protocol.ServerMessage.Ok;
import dev.switchboard.protocol.ServerMessage.Position;
import dev.switchboard.protocol.ServerMessage.Publication;
import dev.switchboard.protocol.ServerMessage.Recovery;
import dev.switchboard.protocol.ServerMessage.Session;
import dev.switchboard.protocol.ServerMessage.Unsubscribed;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two halves of the server-to-client direction agree: what the server's {@link
 * ServerMessageEncoder} writes, the clients' {@link ServerMessageDecoder} reads back as the message
 * it meant, field by field. (Each half is also pinned against docs/PROTOCOL.md on its own.)
 */
class ServerMessageRoundTripTest {
  private final ServerMessageDecoder decoder = new ServerMessageDecoder();

  private record Client(String client, String user, String info)
      implements ServerMessageEncoder.PresenceEntry {}

  private record Stored(long offset, Payload payload)
      implements ServerMessageEncoder.HistoryEntry {}

  private ServerMessage read(String text) {
    return decoder.decode(text);
  }

  @Test
  void aPlainOkReadsBackAsOkWithNothingElse() {
    assertThat(read(ServerMessageEncoder.ok(7))).isEqualTo(Ok.of(7));
  }

  @Test
  void anErrorReadsBackWithItsIdCodeAndMessage() {
    assertThat(read(ServerMessageEncoder.error(3, ErrorCode.BAD_CHANNEL, "no \"quotes\" here")))
        .isEqualTo(new ErrorReply(3, ErrorCode.BAD_CHANNEL.code(), "no \"quotes\" here"));
  }

  @Test
  void anErrorWithoutIdReadsBackWithNoId() {
    assertThat(read(ServerMessageEncoder.error(ErrorCode.BAD_CHANNEL, "m")))
        .isEqualTo(new ErrorReply(Command.NO_ID, ErrorCode.BAD_CHANNEL.code(), "m"));
  }

  @Test
  void subscribedReadsBackWithItsPosition() {
    assertThat(read(ServerMessageEncoder.subscribed(1, 41, "e1")))
        .isEqualTo(new Ok(1, new Position(41, "e1"), null, null, null, null));
  }

  @Test
  void recoveredReadsBackWithRecoveryAndPosition() {
    assertThat(read(ServerMessageEncoder.recovered(1, 44, "e1")))
        .isEqualTo(new Ok(1, new Position(44, "e1"), new Recovery(true, null), null, null, null));
  }

  @Test
  void notRecoveredReadsBackWithItsReasonWithAndWithoutPosition() {
    assertThat(read(ServerMessageEncoder.notRecovered(2, "trimmed", 3, "e2")))
        .isEqualTo(
            new Ok(2, new Position(3, "e2"), new Recovery(false, "trimmed"), null, null, null));
    assertThat(read(ServerMessageEncoder.notRecovered(2, "the channel keeps no history")))
        .isEqualTo(
            new Ok(2, null, new Recovery(false, "the channel keeps no history"), null, null, null));
  }

  @Test
  void publishedReadsBackWithItsPositionAndWithoutOneWhenTheChannelKeepsNoHistory() {
    assertThat(read(ServerMessageEncoder.published(5, 42, "e")))
        .isEqualTo(new Ok(5, new Position(42, "e"), null, null, null, null));
    assertThat(read(ServerMessageEncoder.published(5, 0, ""))).isEqualTo(Ok.of(5));
  }

  @Test
  void historyReadsBackEveryEntryJsonAndBinaryAndThePosition() {
    String text =
        ServerMessageEncoder.history(
            9,
            List.of(
                new Stored(41, new Payload.Json("{\"a\":[1,2]}")),
                new Stored(42, new Payload.Binary(new byte[] {0, 1, (byte) 0xff}))),
            42,
            "e");

    assertThat(read(text))
        .isEqualTo(
            new Ok(
                9,
                new Position(42, "e"),
                null,
                null,
                List.of(
                    new Entry(41, new Payload.Json("{\"a\":[1,2]}")),
                    new Entry(42, new Payload.Binary(new byte[] {0, 1, (byte) 0xff}))),
                null));
  }

  @Test
  void presenceReadsBackEveryMemberWithUserAndInfoAsSent() {
    String text =
        ServerMessageEncoder.presence(
            4,
            List.of(new Client("k.1", "alice", "{\"name\":\"A\"}"), new Client("k.2", null, null)));

    assertThat(read(text))
        .isEqualTo(
            new Ok(
                4,
                null,
                null,
                null,
                null,
                List.of(
                    new Member("k.1", "alice", "{\"name\":\"A\"}"),
                    new Member("k.2", null, null))));
  }

  @Test
  void connectedReadsBackAsTheSession() {
    assertThat(read(ServerMessageEncoder.connected(1, "k.4", "alice", 1795850000L)))
        .isEqualTo(new Ok(1, null, null, new Session("k.4", "alice", 1795850000L), null, null));
    assertThat(read(ServerMessageEncoder.connected(1, "k.4", null, 0)))
        .isEqualTo(new Ok(1, null, null, new Session("k.4", null, 0), null, null));
  }

  @Test
  void aPublicationReadsBackWithItsDataAsPublished() {
    assertThat(read(ServerMessageEncoder.publication("orders:eu", 42, "e", "{ \"n\" : 1 }")))
        .isEqualTo(new Publication("orders:eu", 42, "e", new Payload.Json("{ \"n\" : 1 }")));
  }

  @Test
  void aPublicationWithoutHistoryReadsBackWithOffsetZeroAndNoEpoch() {
    assertThat(read(ServerMessageEncoder.publication("chat", 0, "", "\"hi\"")))
        .isEqualTo(new Publication("chat", 0, "", new Payload.Json("\"hi\"")));
  }

  @Test
  void joinAndLeaveReadBackWithTheirMember() {
    Client bea = new Client("k.9", "bea", null);

    assertThat(read(ServerMessageEncoder.join("room", bea)))
        .isEqualTo(new Join("room", new Member("k.9", "bea", null)));
    assertThat(read(ServerMessageEncoder.leave("room", bea)))
        .isEqualTo(new Leave("room", new Member("k.9", "bea", null)));
  }

  @Test
  void anUnsubscribeNoticeReadsBackWithItsCodeAndMessage() {
    assertThat(read(ServerMessageEncoder.unsubscribe("news", ErrorCode.FORBIDDEN, "revoked")))
        .isEqualTo(new Unsubscribed("news", ErrorCode.FORBIDDEN.code(), "revoked"));
  }
}
