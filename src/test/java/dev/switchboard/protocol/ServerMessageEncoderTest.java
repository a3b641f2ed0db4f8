package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact text of every message the server sends. Where docs/PROTOCOL.md shows a message, the
 * test also checks the document shows exactly that text, so the two cannot drift apart.
 */
class ServerMessageEncoderTest {
  private static final String EPOCH = "2x9kqe1ab7";

  private record Entry(long offset, Payload payload) implements ServerMessageEncoder.HistoryEntry {}

  private record Client(String client, String user, String info)
      implements ServerMessageEncoder.PresenceEntry {}

  @Test
  void aCommandThatReturnsNothingIsAnsweredOk() throws IOException {
    assertDocumented(ServerMessageEncoder.ok(1), "{\"id\":1,\"ok\":true}");
    assertThat(ServerMessageEncoder.ok(Command.NO_ID)).isEqualTo("{\"ok\":true}");
  }

  @Test
  void anErrorReplyCarriesTheIdAndTheCodeAndMessage() throws IOException {
    assertDocumented(
        ServerMessageEncoder.error(
            3,
            ErrorCode.BAD_CHANNEL,
            "channel name contains a character outside [A-Za-z0-9_-.:@/=] at index 4"),
        "{\"id\":3,\"error\":{\"code\":104,\"message\":\"channel name contains a character outside"
            + " [A-Za-z0-9_-.:@/=] at index 4\"}}");
  }

  @Test
  void anErrorWithoutIdIsAlsoTheHttpApisErrorBody() {
    String expected = "{\"error\":{\"code\":101,\"message\":\"invalid JSON\"}}";
    assertThat(ServerMessageEncoder.error(ErrorCode.MALFORMED, "invalid JSON")).isEqualTo(expected);
    assertThat(ServerMessageEncoder.error(Command.NO_ID, ErrorCode.MALFORMED, "invalid JSON"))
        .isEqualTo(expected);
  }

  @Test
  void errorMessagesAreEscapedAndLoneSurrogatesReplaced() {
    assertThat(ServerMessageEncoder.error(5, ErrorCode.UNKNOWN_OP, "unknown op \"a\\\n\uD800\""))
        .isEqualTo(
            "{\"id\":5,\"error\":{\"code\":102,\"message\":\"unknown op \\\"a\\\\\\n"
                + "\uFFFD\\\"\"}}");
  }

  @Test
  void quotedTextKeepsSurrogatePairsAndEscapesControlCharacters() {
    assertThat(JsonStrings.quote("\uD83D\uDE00\t\u0001")).isEqualTo("\"\uD83D\uDE00\\t\\u0001\"");
    assertThat(ServerMessageEncoder.connected(1, "c.1", "\uDC00bo", 5))
        .isEqualTo("{\"id\":1,\"ok\":true,\"client\":\"c.1\",\"user\":\"\uFFFDbo\",\"expires\":5}");
  }

  @Test
  void aSubscribeReplyInAChannelWithHistoryCarriesThePosition() throws IOException {
    assertDocumented(
        ServerMessageEncoder.subscribed(1, 41, EPOCH),
        "{\"id\":1,\"ok\":true,\"offset\":41,\"epoch\":\"2x9kqe1ab7\"}");
  }

  @Test
  void aRecoveredSubscribeSaysSoBeforeThePosition() throws IOException {
    assertDocumented(
        ServerMessageEncoder.recovered(1, 44, EPOCH),
        "{\"id\":1,\"ok\":true,\"recovered\":true,\"offset\":44,\"epoch\":\"2x9kqe1ab7\"}");
  }

  @Test
  void aFailedRecoveryGivesTheReasonAndTheCurrentPosition() throws IOException {
    assertDocumented(
        ServerMessageEncoder.notRecovered(
            1, "epoch changed: the channel's history was lost (e.g. a restart)", 3, "7fq0a2m1zz"),
        "{\"id\":1,\"ok\":true,\"recovered\":false,\"reason\":\"epoch changed: the channel's"
            + " history was lost (e.g. a restart)\",\"offset\":3,\"epoch\":\"7fq0a2m1zz\"}");
  }

  @Test
  void aFailedRecoveryInAChannelWithoutHistoryHasNoPosition() {
    assertThat(ServerMessageEncoder.notRecovered(Command.NO_ID, "the channel keeps no history"))
        .isEqualTo("{\"ok\":true,\"recovered\":false,\"reason\":\"the channel keeps no history\"}");
  }

  @Test
  void aPublishReplyCarriesThePositionOnlyInAChannelWithHistory() {
    assertThat(ServerMessageEncoder.published(77, 0, "")).isEqualTo("{\"id\":77,\"ok\":true}");
    assertThat(ServerMessageEncoder.published(3, 42, EPOCH))
        .isEqualTo("{\"id\":3,\"ok\":true,\"offset\":42,\"epoch\":\"2x9kqe1ab7\"}");
    assertThat(ServerMessageEncoder.published(Command.NO_ID, 0, "")).isEqualTo("{\"ok\":true}");
    assertThat(ServerMessageEncoder.published(Command.NO_ID, 42, EPOCH))
        .isEqualTo("{\"ok\":true,\"offset\":42,\"epoch\":\"2x9kqe1ab7\"}");
  }

  @Test
  void aHistoryReplyListsThePublicationsThenThePosition() throws IOException {
    List<Entry> read =
        List.of(new Entry(41, new Payload.Json("\"a\"")), new Entry(42, new Payload.Json("\"b\"")));
    assertDocumented(
        ServerMessageEncoder.history(2, read, 44, EPOCH),
        "{\"id\":2,\"ok\":true,\"publications\":[{\"offset\":41,\"data\":\"a\"},"
            + "{\"offset\":42,\"data\":\"b\"}],\"offset\":44,\"epoch\":\"2x9kqe1ab7\"}");
  }

  @Test
  void aBinaryPublicationInHistoryIsBase64AndAnEmptyHistoryOnlyThePosition() {
    List<Entry> read = List.of(new Entry(43, new Payload.Binary(new byte[] {5, 6, (byte) 255})));
    assertThat(ServerMessageEncoder.history(Command.NO_ID, read, 43, EPOCH))
        .isEqualTo(
            "{\"ok\":true,\"publications\":[{\"offset\":43,\"binary\":\"BQb/\"}],"
                + "\"offset\":43,\"epoch\":\"2x9kqe1ab7\"}");
    assertThat(ServerMessageEncoder.history(9, List.of(), 0, EPOCH))
        .isEqualTo(
            "{\"id\":9,\"ok\":true,\"publications\":[],\"offset\":0,\"epoch\":\"2x9kqe1ab7\"}");
  }

  @Test
  void aPresenceReplyListsTheClientsWithInfoOnlyWhenGivenAndCountsThem() throws IOException {
    List<Client> clients =
        List.of(
            new Client("k2j1x.4", null, "{\"name\":\"Ada\"}"), new Client("k2j1x.9", null, null));
    assertDocumented(
        ServerMessageEncoder.presence(3, clients),
        "{\"id\":3,\"ok\":true,\"clients\":[{\"client\":\"k2j1x.4\",\"user\":null,"
            + "\"info\":{\"name\":\"Ada\"}},{\"client\":\"k2j1x.9\",\"user\":null}],\"count\":2}");
    assertThat(ServerMessageEncoder.presence(Command.NO_ID, List.of(new Client("c.1", "bo", null))))
        .isEqualTo("{\"ok\":true,\"clients\":[{\"client\":\"c.1\",\"user\":\"bo\"}],\"count\":1}");
    assertThat(ServerMessageEncoder.presence(4, List.of()))
        .isEqualTo("{\"id\":4,\"ok\":true,\"clients\":[],\"count\":0}");
  }

  @Test
  void connectAndRefreshAreAnsweredWithClientUserAndExpiry() throws IOException {
    assertDocumented(
        ServerMessageEncoder.connected(1, "k2j1x.4", "alice", 1795850000L),
        "{\"id\":1,\"ok\":true,\"client\":\"k2j1x.4\",\"user\":\"alice\",\"expires\":1795850000}");
    assertThat(ServerMessageEncoder.connected(2, "k2j1x.4", null, 5))
        .isEqualTo("{\"id\":2,\"ok\":true,\"client\":\"k2j1x.4\",\"user\":null,\"expires\":5}");
  }

  @Test
  void aPublicationCarriesTheDataAsPublished() throws IOException {
    assertDocumented(
        ServerMessageEncoder.publication(
            "news", 0, "", "{\"headline\":\"Hello\",\"tags\":[\"a\",\"b\"]}"),
        "{\"channel\":\"news\",\"data\":{\"headline\":\"Hello\",\"tags\":[\"a\",\"b\"]}}");
  }

  @Test
  void aPublicationInAChannelWithHistoryCarriesOffsetAndEpoch() throws IOException {
    assertDocumented(
        ServerMessageEncoder.publication("demo:a", 42, EPOCH, "{\"text\":\"hi\"}"),
        "{\"channel\":\"demo:a\",\"offset\":42,\"epoch\":\"2x9kqe1ab7\","
            + "\"data\":{\"text\":\"hi\"}}");
  }

  @Test
  void joinAndLeaveCarryTheClient() throws IOException {
    Client bea = new Client("k2j1x.9", null, null);
    assertDocumented(
        ServerMessageEncoder.join("demo:a", bea),
        "{\"channel\":\"demo:a\",\"join\":{\"client\":\"k2j1x.9\",\"user\":null}}");
    assertDocumented(
        ServerMessageEncoder.leave("demo:a", bea),
        "{\"channel\":\"demo:a\",\"leave\":{\"client\":\"k2j1x.9\",\"user\":null}}");
    assertThat(ServerMessageEncoder.join("c", new Client("x.1", "al", "[1]")))
        .isEqualTo(
            "{\"channel\":\"c\",\"join\":{\"client\":\"x.1\",\"user\":\"al\",\"info\":[1]}}");
  }

  @Test
  void anUnsubscribePushCarriesAnErrorBody() throws IOException {
    assertDocumented(
        ServerMessageEncoder.unsubscribe(
            "news", ErrorCode.FORBIDDEN, "the refreshed token does not allow subscribe on news"),
        "{\"channel\":\"news\",\"unsubscribe\":{\"code\":111,\"message\":\"the refreshed token"
            + " does not allow subscribe on news\"}}");
  }

  /** {@code actual} is {@code expected}, and docs/PROTOCOL.md shows that exact text. */
  private static void assertDocumented(String actual, String expected) throws IOException {
    assertThat(actual).isEqualTo(expected);
    assertThat(Files.readString(Path.of("docs/PROTOCOL.md")))
        .as("docs/PROTOCOL.md shows it")
        .contains(expected);
  }
}
